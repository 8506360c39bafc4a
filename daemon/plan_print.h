/* Printing a plan: a readable table, or JSON for scripts (plan --json). */
#ifndef TANDEM_PLAN_PRINT_H
#define TANDEM_PLAN_PRINT_H

#include <stdio.h>

#include <tandem/tandem.h>

int plan_print_table(FILE *f, const struct tandem_plan *plan);
int plan_print_json(FILE *f, const struct tandem_plan *plan);

#endif
