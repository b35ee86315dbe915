/* Logging to stderr, one line per event; journald or the harness collects it. */
#ifndef TURNERO_LOG_H
#define TURNERO_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "error|warn|info|debug"; returns -1 for anything else. */
int log_level_parse(const char *s);
/* Names the process in every line ("master", "worker"). The string must outlive logging. */
void log_set_role(const char *role);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Our own bugs and server-side failures carry the source location. */
#define log_err(...) log_msg(LOG_LEVEL_ERROR, __FILE__ ":" LOG_STR(__LINE__) ": " __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define LOG_STR(x) LOG_STR2(x)
#define LOG_STR2(x) #x

#endif
