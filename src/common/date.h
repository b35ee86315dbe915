/* Calendar dates as the API writes them: YYYY-MM-DD. */
#ifndef TURNERO_DATE_H
#define TURNERO_DATE_H

#include <stdbool.h>

/*
 * Parses exactly "YYYY-MM-DD" (ten characters, years 1000-9999) naming a day that
 * exists in the Gregorian calendar: 2024-02-29 is accepted, 2023-02-29, 2025-02-31,
 * 2025-04-31, month 00 or 13 and day 00 are refused, as are signs, spaces, other
 * separators and anything after the day.
 * [out] days: days since 1970-01-01 (negative before it); may be NULL. Untouched on false.
 */
bool date_parse_ymd(const char *s, long *days);

/* Days from 1970-01-01 to year y, month m (1-12), day d of the proleptic Gregorian calendar. */
long date_days_from_civil(long y, long m, long d);

/* The inverse: the calendar day that is z days after 1970-01-01. */
void date_civil_from_days(long z, int *y, int *m, int *d);

#endif
