/*
 * Configuration: tandem.conf (INI) and the people and pairs files it names.
 *
 * Loading is all-or-nothing: either a complete configuration is returned, or
 * TANDEM_ECONFIG and every problem found is appended to the diag as
 * "file:line: message".  Relative paths inside tandem.conf are resolved
 * against the directory of tandem.conf; those inside people.csv against the
 * directory of people.csv.
 */
#ifndef TANDEM_CONFIG_H
#define TANDEM_CONFIG_H

#include <tandem/tandem.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tandem_config;

/*
 * Read the configuration at path and everything it refers to.  On success
 * *cfgp is set and the caller frees it with tandem_config_free().  diag may
 * be NULL when the caller does not want the messages.
 */
TANDEM_EXTERN int tandem_config_load(const char *path,
    struct tandem_config **cfgp, struct tandem_diag *diag);
TANDEM_EXTERN void tandem_config_free(struct tandem_config *cfg);

/* Borrowed strings, valid as long as cfg. */
TANDEM_EXTERN const char *tandem_config_path(const struct tandem_config *cfg);
TANDEM_EXTERN const char *tandem_config_state(const struct tandem_config *cfg);
TANDEM_EXTERN const char *tandem_config_socket(const struct tandem_config *cfg);
TANDEM_EXTERN size_t tandem_config_program_count(const struct tandem_config *cfg);
TANDEM_EXTERN const char *tandem_config_program_name(
    const struct tandem_config *cfg, size_t i);
TANDEM_EXTERN size_t tandem_config_pair_count(const struct tandem_config *cfg,
    size_t program);

#ifdef __cplusplus
}
#endif

#endif
