#include "common/ids.h"

#include "common/date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

void ids_uuid_v4(char out[UUID_STR_LEN])
{
	uuid_t u;
	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

long long ids_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long ids_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void ids_format_ms(long long ms, char out[TS_STR_LEN])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char tmp[64]; /* roomy: the compiler cannot prove the fields stay two digits */
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	memcpy(out, tmp, TS_STR_LEN - 1);
	out[TS_STR_LEN - 1] = '\0';
}

int ids_db_to_rfc3339(const char *db, char out[TS_STR_LEN])
{
	size_t len = strlen(db);
	if (len < 19 || db[10] != ' ')
		return -1;
	memcpy(out, db, 19);
	out[10] = 'T';
	/* Pad or cut the fraction to exactly three digits. */
	char frac[4] = "000";
	if (len > 20 && db[19] == '.')
		for (size_t i = 0; i < 3 && 20 + i < len; i++)
			frac[i] = db[20 + i];
	out[19] = '.';
	memcpy(out + 20, frac, 3);
	out[23] = 'Z';
	out[24] = '\0';
	return 0;
}

long long ids_db_to_ms(const char *db)
{
	char day[11];
	int h, mi, s, ms = 0;
	long days;
	if (strlen(db) < 19 || db[10] != ' ')
		return -1;
	memcpy(day, db, 10);
	day[10] = '\0';
	if (!date_parse_ymd(day, &days) || sscanf(db + 11, "%2d:%2d:%2d", &h, &mi, &s) != 3 || h > 23 || mi > 59 ||
	    s > 59)
		return -1;
	if (db[19] == '.') {
		int scale = 100;
		for (size_t i = 20; i < 23 && db[i] >= '0' && db[i] <= '9'; i++, scale /= 10)
			ms += (db[i] - '0') * scale;
	}
	return ((days * 24 + h) * 60 + mi) * 60000LL + s * 1000LL + ms;
}
