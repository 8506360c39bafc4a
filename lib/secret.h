/*
 * secret: credentials kept in files (a server's password_file or token_file),
 * read the way ssh reads a private key: the file must be a regular file that
 * only its owner can read, or it is refused.  A secret never appears in a
 * diagnostic; only the file's name does.
 */
#ifndef TANDEM_SECRET_H
#define TANDEM_SECRET_H

#include "tandem/tandem.h"

/* Largest secret file read: tokens (JWTs) run to a few KiB. */
#define SECRET_CAP	(64u * 1024)

/*
 * Read the secret in path into *out (NUL-terminated, trailing CR/LF removed;
 * the caller frees it with secret_free()).  Refuses, reporting to diag with
 * the file's name, a file that is not regular (-EINVAL), that its group or
 * others may read (-EACCES), or that is larger than SECRET_CAP (-EFBIG);
 * other failures are the negative errno of open or read.  *out is NULL on
 * failure.
 */
int secret_read(const char *path, char **out, struct tandem_diag *diag);

/* Overwrite a secret, then free it; NULL is a no-op. */
void secret_free(char *s);

#endif
