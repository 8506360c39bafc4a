/*
 * fuzz: what the fuzz targets of tests/fuzz share.  Each fuzz-<name>.c
 * defines LLVMFuzzerTestOneInput() (and, when it needs one-time setup,
 * LLVMFuzzerInitialize()) for one parser that reads outside input; it is
 * linked either with libFuzzer (tests/fuzz/fuzz-<name>, "make fuzz") or
 * with replay.c (tests/fuzz/replay-<name>, "make check"), which runs it
 * once on each file of the target's corpus and regression inputs.
 *
 * A target checks more than "no crash": where the parser makes a promise
 * (an error leaves nothing behind, the skim keeps what the full parse
 * keeps), a broken promise is reported with FUZZ_CHECK, which aborts so
 * that libFuzzer keeps the input as a crash.
 *
 * Glossary
 *   corpus    tests/fuzz/corpus/<name>/: seeds, small real inputs taken
 *             from the tests and conf/example
 *   regress   tests/fuzz/regress/<name>/: inputs that once crashed, hung or
 *             broke a promise; kept so that they never do again
 */
#ifndef TANDEM_FUZZ_H
#define TANDEM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tandem/tandem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A promise of the code under test does not hold: say which, and abort. */
#define FUZZ_CHECK(x, ...) do {						\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: broken promise: %s: ",		\
		    __FILE__, __LINE__, #x);				\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		abort();						\
	}								\
} while (0)

/*
 * At the end of each input: libical's ring of temporary buffers freed.  It
 * is freed lazily otherwise, so that an input ends with more allocations
 * than frees, and libFuzzer then runs a whole leak check after each one
 * (ten times slower).
 */
void fuzz_input_done(void);

/* The input as a NUL-terminated string (caller frees); aborts on ENOMEM. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* A fresh private directory (see fuzz-common.c), removed at exit; aborts on error. */
const char *fuzz_tmpdir(void);
/* Write size bytes of data to dir/name (aborts on error). */
void fuzz_write(const char *dir, const char *name, const void *data,
    size_t size);

/*
 * fuzz-engine.c: an engine over a fixed configuration and store, for the
 * targets that send it requests (fuzz-ctl, fuzz-imip).  The people and the
 * UIDs of its session rows, as the seeds of those targets name them:
 */
#define FUZZ_LENA		"lena.vogel@corp.example"
#define FUZZ_MARC		"marc.dubois@corp.example"
#define FUZZ_PRIYA		"priya.shah@corp.example"
#define FUZZ_JAMES		"james.okafor@corp.example"
#define FUZZ_UID_ALPHA_1	"tandem-00000000000a1a01-1@corp.example"
#define FUZZ_UID_ALPHA_2	"tandem-00000000000a1a01-2@corp.example"
#define FUZZ_UID_PRIYA_1	"tandem-00000000000a1b02-1@corp.example"
#define FUZZ_UID_PRIYA_2	"tandem-00000000000a1b02-2@corp.example"
#define FUZZ_UID_BETA_1		"tandem-00000000000b2a01-1@corp.example"
#define FUZZ_UID_BETA_2		"tandem-00000000000b2a01-2@corp.example"

struct fuzz_row {
	const char	*program, *mentor, *mentee;
	unsigned	 index;
	const char	*uid;
	int		 state;		/* TANDEM_ENGINE_* */
	int		 sequence;
};

struct tandem_engine;
struct store;

/* Made at the first call, freed at exit. */
struct tandem_engine *fuzz_engine(void);
/* Before each input: the rows as they were (and now and then a new store). */
void fuzz_engine_reset(void);
/* The clock of every request: 2027-03-01 12:00 UTC. */
int64_t fuzz_engine_now(void);
const struct fuzz_row *fuzz_engine_rows(size_t *n);
struct store *fuzz_engine_store(void);
/* The engine's own diag (where a request's parse errors go). */
struct tandem_diag *fuzz_engine_diag(void);

#endif
