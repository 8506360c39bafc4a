/*
 * Internals shared by the configuration loader's files: config.c (tandem.conf
 * and its sections), people.c (people.csv and pairs.csv), programs.c
 * (checks across keys and the files a program names).
 */
#ifndef TANDEM_CONFIG_INT_H
#define TANDEM_CONFIG_INT_H

#include "tandem-int.h"
#include "model.h"

/* Cap on any file the configuration names: a mistake must not eat memory. */
#define CONFIG_FILE_CAP		(16u * 1024 * 1024)

struct loadctx {
	struct tandem_config	*cfg;
	struct tandem_diag	*diag;
	int			 errors;	/* count of messages added */
};

int config_error(struct loadctx *lc, const char *file, int line,
    const char *fmt, ...) TANDEM_PRINTF(4, 5);

/* people.c */
/* *orderp (caller frees): the program's people sorted by e-mail, for pairs_load. */
int people_load(struct loadctx *lc, struct program *pg, const char *conf,
    int line, size_t **orderp);
int pairs_load(struct loadctx *lc, struct program *pg, const char *conf,
    int line, const size_t *order);
void person_free(struct person *p);

/* programs.c */
int program_finish(struct loadctx *lc, struct program *pg, const int *keyline);
void program_free(struct program *pg);
int program_valid_tz(const char *name);
int program_hours_first(const struct hours *h);

#endif
