#include "repo/stmt.h"

#include "repo/queue_order.h"
#include "repo/ticket_columns.h"

#define S(id, sql) [id] = {#id, sql}

static const struct {
	const char *name;
	const char *sql;
} stmts[STMT__MAX] = {
	S(STMT_SELECT_ONE, "SELECT 1"),

	/* users: columns always in USER_COLUMNS order (see user_repo.c) */
	S(STMT_USER_INSERT,
	  "INSERT INTO users (id, user_name, first_name, last_name, password_hash, state, role_id, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_USER_GET_BY_ID, "SELECT u.id, u.user_name, u.first_name, u.last_name, u.state, u.role_id, u.created_date, u.updated_date FROM users u WHERE u.id = ?"),
	S(STMT_USER_ID_BY_NAME, "SELECT id FROM users WHERE user_name = ?"),
	S(STMT_USER_LOGIN_BY_NAME,
	  "SELECT u.id, u.user_name, u.password_hash, u.state, r.name, r.state"
	  " FROM users u JOIN roles r ON r.id = u.role_id WHERE u.user_name = ?"),
	S(STMT_USER_LIST,
	  "SELECT u.id, u.user_name, u.first_name, u.last_name, u.state, u.role_id, u.created_date, u.updated_date FROM users u"
	  " WHERE (? IS NULL OR u.user_name = ?) AND (? IS NULL OR u.role_id = ?) AND (? IS NULL OR u.state = ?)"
	  " ORDER BY CASE WHEN ? = 'user_name' THEN u.user_name END ASC,"
	  " CASE WHEN ? = '-user_name' THEN u.user_name END DESC,"
	  " CASE WHEN ? = 'created_date' THEN u.created_date END ASC,"
	  " CASE WHEN ? = '-created_date' THEN u.created_date END DESC,"
	  " CASE WHEN ? = 'last_name' THEN u.last_name END ASC,"
	  " CASE WHEN ? = '-last_name' THEN u.last_name END DESC,"
	  " u.user_name ASC LIMIT ? OFFSET ?"),
	S(STMT_USER_COUNT,
	  "SELECT COUNT(*) FROM users u"
	  " WHERE (? IS NULL OR u.user_name = ?) AND (? IS NULL OR u.role_id = ?) AND (? IS NULL OR u.state = ?)"),
	S(STMT_USER_UPDATE,
	  "UPDATE users SET user_name = ?, first_name = ?, last_name = ?, state = ?, role_id = ?,"
	  " updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_USER_SET_PASSWORD, "UPDATE users SET password_hash = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_USER_SET_STATE, "UPDATE users SET state = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	/* Locks the admins' rows so two concurrent demotions cannot both see another admin left. */
	S(STMT_USER_COUNT_ACTIVE_ADMINS_EXCEPT,
	  "SELECT COUNT(*) FROM users u JOIN roles r ON r.id = u.role_id"
	  " WHERE r.name = 'admin' AND r.state = TRUE AND u.state = TRUE AND u.id <> ? FOR UPDATE"),
	S(STMT_USER_PRINCIPAL,
	  "SELECT u.user_name, u.state, r.id, r.name, r.state, p.module, p.action"
	  " FROM users u JOIN roles r ON r.id = u.role_id"
	  " LEFT JOIN role_permissions p ON p.role_id = r.id WHERE u.id = ?"),

	/* roles */
	S(STMT_ROLE_INSERT,
	  "INSERT INTO roles (id, name, description, state, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_ROLE_GET_BY_ID, "SELECT r.id, r.name, r.description, r.state, r.created_date, r.updated_date FROM roles r WHERE r.id = ?"),
	S(STMT_ROLE_GET_BY_NAME,
	  "SELECT r.id, r.name, r.description, r.state, r.created_date, r.updated_date FROM roles r WHERE r.name = ?"),
	S(STMT_ROLE_LIST,
	  "SELECT r.id, r.name, r.description, r.state, r.created_date, r.updated_date FROM roles r WHERE (? IS NULL OR r.name = ?) AND (? IS NULL OR r.state = ?)"
	  " ORDER BY CASE WHEN ? = 'name' THEN r.name END ASC, CASE WHEN ? = '-name' THEN r.name END DESC,"
	  " CASE WHEN ? = 'created_date' THEN r.created_date END ASC,"
	  " CASE WHEN ? = '-created_date' THEN r.created_date END DESC, r.name ASC LIMIT ? OFFSET ?"),
	S(STMT_ROLE_COUNT, "SELECT COUNT(*) FROM roles r WHERE (? IS NULL OR r.name = ?) AND (? IS NULL OR r.state = ?)"),
	S(STMT_ROLE_UPDATE,
	  "UPDATE roles SET name = ?, description = ?, state = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_ROLE_SET_STATE, "UPDATE roles SET state = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_ROLE_PERMISSIONS,
	  "SELECT module, action FROM role_permissions WHERE role_id = ?"
	  " ORDER BY FIELD(module, 'users', 'roles', 'priorities', 'queues', 'customers', 'tickets', 'reports'),"
	  " FIELD(action, 'create', 'read', 'update', 'delete')"),
	S(STMT_ROLE_PERMISSIONS_CLEAR, "DELETE FROM role_permissions WHERE role_id = ?"),
	S(STMT_ROLE_PERMISSION_ADD, "INSERT INTO role_permissions (role_id, module, action) VALUES (?, ?, ?)"),
	S(STMT_ROLE_LOCK, "SELECT name FROM roles WHERE id = ? FOR UPDATE"),
	S(STMT_PERMISSION_LIST,
	  "SELECT module, action FROM permissions"
	  " ORDER BY FIELD(module, 'users', 'roles', 'priorities', 'queues', 'customers', 'tickets', 'reports'),"
	  " FIELD(action, 'create', 'read', 'update', 'delete')"),

	/* login throttling: the 5th most recent failure inside the window decides the lock */
	S(STMT_LOGIN_FAILURE_ADD, "INSERT INTO login_failures (user_name, failed_at) VALUES (?, UTC_TIMESTAMP(3))"),
	S(STMT_LOGIN_FAILURE_FIFTH_RECENT,
	  "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), failed_at + INTERVAL ? SECOND) FROM login_failures"
	  " WHERE user_name = ? AND failed_at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND"
	  " ORDER BY failed_at DESC LIMIT 1 OFFSET ?"),
	S(STMT_LOGIN_FAILURE_CLEAR, "DELETE FROM login_failures WHERE user_name = ?"),

	/* refresh tokens */
	S(STMT_REFRESH_INSERT,
	  "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at, created_date)"
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3) + INTERVAL ? SECOND, UTC_TIMESTAMP(3))"),
	S(STMT_REFRESH_GET_FOR_UPDATE,
	  "SELECT id, family_id, user_id, UNIX_TIMESTAMP(expires_at), rotated_at IS NOT NULL, revoked_at IS NOT NULL"
	  " FROM refresh_tokens WHERE token_hash = ? FOR UPDATE"),
	S(STMT_REFRESH_MARK_ROTATED,
	  "UPDATE refresh_tokens SET rotated_at = UTC_TIMESTAMP(3) WHERE id = ? AND rotated_at IS NULL"),
	S(STMT_REFRESH_REVOKE_FAMILY,
	  "UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE family_id = ? AND revoked_at IS NULL"),
	S(STMT_REFRESH_REVOKE_USER,
	  "UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE user_id = ? AND revoked_at IS NULL"),

	/* priorities (priority_repo.c) */
	/* Columns always in the order read_priority expects. */
	S(STMT_PRIORITY_INSERT,
	  "INSERT INTO priorities (id, name, description, level, max_wait_minutes, state, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_PRIORITY_GET_BY_ID,
	  "SELECT p.id, p.name, p.description, p.level, p.max_wait_minutes, p.state, p.created_date, p.updated_date"
	  " FROM priorities p WHERE p.id = ?"),
	S(STMT_PRIORITY_LOCK, "SELECT id FROM priorities WHERE id = ? FOR UPDATE"),
	S(STMT_PRIORITY_LIST,
	  "SELECT p.id, p.name, p.description, p.level, p.max_wait_minutes, p.state, p.created_date, p.updated_date"
	  " FROM priorities p WHERE (? IS NULL OR p.state = ?)"
	  " ORDER BY CASE WHEN ? = 'name' THEN p.name END ASC, CASE WHEN ? = '-name' THEN p.name END DESC,"
	  " CASE WHEN ? = 'level' THEN p.level END ASC, CASE WHEN ? = '-level' THEN p.level END DESC,"
	  " CASE WHEN ? = 'created_date' THEN p.created_date END ASC,"
	  " CASE WHEN ? = '-created_date' THEN p.created_date END DESC,"
	  " p.level ASC, p.name ASC, p.id ASC LIMIT ? OFFSET ?"),
	S(STMT_PRIORITY_COUNT, "SELECT COUNT(*) FROM priorities p WHERE (? IS NULL OR p.state = ?)"),
	S(STMT_PRIORITY_UPDATE,
	  "UPDATE priorities SET name = ?, description = ?, level = ?, max_wait_minutes = ?, state = ?,"
	  " updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_PRIORITY_SET_STATE, "UPDATE priorities SET state = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),

	/* customers (customer_repo.c) */
	/*
	 * Columns always in the order read_customer expects. The name search binds a LIKE
	 * pattern escaped in C; matching "first last" also covers either name alone.
	 */
	S(STMT_CUSTOMER_INSERT,
	  "INSERT INTO customers (id, dni, first_name, last_name, phone, email, state, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_CUSTOMER_GET_BY_ID,
	  "SELECT c.id, c.dni, c.first_name, c.last_name, c.phone, c.email, c.state, c.created_date, c.updated_date"
	  " FROM customers c WHERE c.id = ?"),
	S(STMT_CUSTOMER_GET_BY_DNI,
	  "SELECT c.id, c.dni, c.first_name, c.last_name, c.phone, c.email, c.state, c.created_date, c.updated_date"
	  " FROM customers c WHERE c.dni = ?"),
	S(STMT_CUSTOMER_LOCK, "SELECT id FROM customers WHERE id = ? FOR UPDATE"),
	S(STMT_CUSTOMER_LIST,
	  "SELECT c.id, c.dni, c.first_name, c.last_name, c.phone, c.email, c.state, c.created_date, c.updated_date"
	  " FROM customers c WHERE (? IS NULL OR c.dni = ?)"
	  " AND (? IS NULL OR CONCAT(c.first_name, ' ', c.last_name) LIKE ? ESCAPE '\\\\')"
	  " AND (? IS NULL OR c.state = ?)"
	  " ORDER BY CASE WHEN ? = 'last_name' THEN c.last_name END ASC,"
	  " CASE WHEN ? = '-last_name' THEN c.last_name END DESC,"
	  " CASE WHEN ? = 'first_name' THEN c.first_name END ASC,"
	  " CASE WHEN ? = '-first_name' THEN c.first_name END DESC,"
	  " CASE WHEN ? = 'created_date' THEN c.created_date END ASC,"
	  " CASE WHEN ? = '-created_date' THEN c.created_date END DESC,"
	  " c.last_name ASC, c.first_name ASC, c.id ASC LIMIT ? OFFSET ?"),
	S(STMT_CUSTOMER_COUNT,
	  "SELECT COUNT(*) FROM customers c WHERE (? IS NULL OR c.dni = ?)"
	  " AND (? IS NULL OR CONCAT(c.first_name, ' ', c.last_name) LIKE ? ESCAPE '\\\\')"
	  " AND (? IS NULL OR c.state = ?)"),
	S(STMT_CUSTOMER_UPDATE,
	  "UPDATE customers SET dni = ?, first_name = ?, last_name = ?, phone = ?, email = ?, state = ?,"
	  " updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_CUSTOMER_SET_STATE, "UPDATE customers SET state = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	/* The unique dni decides insert or update atomically; NULL phone/email keep what is stored. */
	S(STMT_CUSTOMER_UPSERT_BY_DNI,
	  "INSERT INTO customers (id, dni, first_name, last_name, phone, email, state, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, COALESCE(?, ''), COALESCE(?, ''), TRUE, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"
	  " ON DUPLICATE KEY UPDATE first_name = VALUES(first_name), last_name = VALUES(last_name),"
	  " phone = COALESCE(?, phone), email = COALESCE(?, email), updated_date = UTC_TIMESTAMP(3)"),


	/* queues (queue_repo.c); columns always in QUEUE_COLUMNS order (see queue_repo.c) */
	/* The tickets waiting in queue a (of the levels cond selects, e.g. " AND wc.priority_level
	 * <= 2"), from the counts the tickets triggers keep (sql/013_waiting_counts.sql): a few
	 * primary-key rows instead of one index entry per waiting ticket. */
#define QUEUE_WAITING(a, cond)                                                                             \
	"(SELECT COALESCE(SUM(IF(wc.direction = 0, wc.n, -wc.n)), 0) FROM queue_waiting_counts wc WHERE wc.queue_id = " \
	a ".id" cond ")"
	S(STMT_QUEUE_INSERT,
	  "INSERT INTO queues (id, name, prefix, state, policy, user_id, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_QUEUE_GET_BY_ID, "SELECT q.id, q.name, q.prefix, q.state, q.policy, q.user_id, q.created_date, q.updated_date, q.created_seq, " QUEUE_WAITING("q", "") ", (SELECT GROUP_CONCAT(qp.priority_id ORDER BY qp.priority_id) FROM queue_priorities qp WHERE qp.queue_id = q.id) FROM queues q WHERE q.id = ?"),
	S(STMT_QUEUE_LOCK, "SELECT q.state, q.policy, q.user_id FROM queues q WHERE q.id = ? FOR UPDATE"),
	/* One statement per sort, each ordered by a uniquely indexed column: a page is read in
	 * index order and stops at LIMIT, and the per-row counts run for that page only (an
	 * ORDER BY CASE over the sort parameter sorted every queue, counts included). */
#define QUEUE_LIST_SQL(order)                                                                                   \
	"SELECT q.id, q.name, q.prefix, q.state, q.policy, q.user_id, q.created_date, q.updated_date, q.created_seq," \
	" " QUEUE_WAITING("q", "") ","                                                                             \
	" (SELECT GROUP_CONCAT(qp.priority_id ORDER BY qp.priority_id) FROM queue_priorities qp WHERE qp.queue_id = q.id)" \
	" FROM queues q WHERE (? IS NULL OR q.state = ?) AND (? IS NULL OR q.user_id = ?) ORDER BY " order " LIMIT ? OFFSET ?"
	S(STMT_QUEUE_LIST, QUEUE_LIST_SQL("q.created_seq")),
	S(STMT_QUEUE_LIST_CREATED_DESC, QUEUE_LIST_SQL("q.created_seq DESC")),
	S(STMT_QUEUE_LIST_NAME, QUEUE_LIST_SQL("q.name")),
	S(STMT_QUEUE_LIST_NAME_DESC, QUEUE_LIST_SQL("q.name DESC")),
	S(STMT_QUEUE_LIST_PREFIX, QUEUE_LIST_SQL("q.prefix")),
	S(STMT_QUEUE_LIST_PREFIX_DESC, QUEUE_LIST_SQL("q.prefix DESC")),
#undef QUEUE_LIST_SQL
	S(STMT_QUEUE_COUNT, "SELECT COUNT(*) FROM queues q WHERE (? IS NULL OR q.state = ?) AND (? IS NULL OR q.user_id = ?)"),
	S(STMT_QUEUE_UPDATE,
	  "UPDATE queues SET name = ?, prefix = ?, state = ?, policy = ?, user_id = ?, updated_date = UTC_TIMESTAMP(3)"
	  " WHERE id = ?"),
	S(STMT_QUEUE_PRIORITIES_CLEAR, "DELETE FROM queue_priorities WHERE queue_id = ?"),
	S(STMT_QUEUE_PRIORITY_ADD, "INSERT INTO queue_priorities (queue_id, priority_id) VALUES (?, ?)"),
	/* Placement: per open queue serving the priority, the tickets waiting and how many of them the
	 * ticket described by the derived row "me" would wait behind under the fifo and under the
	 * priority ordering (queue_order.h). The counts come from queue_waiting_counts, corrected by
	 * the few tickets the order's own predicates must decide (those due no earlier than me, the
	 * overdue ones), each set read through an index range that bounds it when the queue's id is
	 * a constant (_F<f>P<p> below; tests/integration/it_placement compares with counting them
	 * one by one). me: due_date and created_date (NULL: now), level, and
	 * sla_deadline (NULL: due_date + max_wait_minutes when that is > 0). Each row also carries
	 * me's created_date (the instant a new ticket is stamped with) and the state of the
	 * customer named by the first parameter (NULL: none, or no such customer), so a
	 * registration needs no statements of its own for them. */
/* fifo: every waiting ticket but those not before me; only those due no earlier can be. */
#define PLACEMENT_AHEAD_FIFO                                                                               \
	  QUEUE_WAITING("q", "") " - (SELECT COUNT(*) FROM tickets t FORCE INDEX (ix_tickets_queue_fifo)"         \
	  "  WHERE t.queue_id = q.id AND t.status = 'waiting' AND t.due_date >= me.due_date AND "                  \
	  QO_BEFORE_FIFO("t", "me") " IS NOT TRUE)"
/* priority. me overdue: only overdue tickets can be before it. */
#define PLACEMENT_AHEAD_PRIORITY                                                                           \
	  "IF(" QO_OVERDUE("me") ", (SELECT COUNT(*) FROM tickets t FORCE INDEX (ix_tickets_queue_standing)"       \
	  "  WHERE t.queue_id = q.id AND t.status = 'waiting' AND " QO_OVERDUE("t") " AND "                         \
	  QO_BEFORE_PRIORITY("t", "me") " IS TRUE),"                                                                \
	  /* me not overdue: the levels up to me's, but those of me's level not before me (due no \
	   * earlier), plus the overdue ones of the levels after me's. */ \
	  "  " QUEUE_WAITING("q", " AND wc.priority_level <= me.priority_level") \
	  "  - (SELECT COUNT(*) FROM tickets t FORCE INDEX (ix_tickets_queue_level) WHERE t.queue_id = q.id" \
	  "  AND t.status = 'waiting' AND t.priority_level = me.priority_level AND t.due_date >= me.due_date AND " \
	  QO_BEFORE_PRIORITY("t", "me") " IS NOT TRUE)" \
	  "  + (SELECT COUNT(*) FROM tickets t FORCE INDEX (ix_tickets_queue_standing) WHERE t.queue_id = q.id" \
	  "  AND t.status = 'waiting' AND " QO_OVERDUE("t") " AND t.priority_level > me.priority_level AND " \
	  QO_BEFORE_PRIORITY("t", "me") " IS TRUE))"
/* Columns 5 and 6 are the tickets ahead by age and by priority: each queue's own policy
 * only, the other column 0. */
#define PLACEMENT_SQL(ahead_by_age, ahead_by_priority, check, where)                                       \
	  "SELECT q.id, q.prefix, q.policy, q.created_seq, " QUEUE_WAITING("q", "") ", " ahead_by_age ", "         \
	  ahead_by_priority ","                                                                                    \
	  " me.created_date, (SELECT c.state FROM customers c WHERE c.id = ?), " check                            \
	  " FROM (SELECT CAST(COALESCE(?, UTC_TIMESTAMP(3)) AS DATETIME(3)) AS due_date,"                          \
	  "  CAST(COALESCE(?, UTC_TIMESTAMP(3)) AS DATETIME(3)) AS created_date, ? AS priority_level,"             \
	  "  CAST(COALESCE(?, IF(? > 0, CAST(COALESCE(?, UTC_TIMESTAMP(3)) AS DATETIME(3)) + INTERVAL ? MINUTE, NULL))" \
	  "   AS DATETIME(3)) AS sla_deadline, CAST(NULL AS CHAR(36) CHARACTER SET ascii) COLLATE ascii_bin AS id) me" \
	  " JOIN queues q JOIN queue_priorities qp ON qp.queue_id = q.id AND qp.priority_id = ?"                   \
	  " WHERE q.state = 'open' AND q.id <> ?" where
/* The ahead columns for a queue of either policy. */
#define PLACEMENT_EITHER_AGE "IF(q.policy <> 'fifo', 0, " PLACEMENT_AHEAD_FIFO ")"
#define PLACEMENT_EITHER_PRIORITY "IF(q.policy = 'fifo', 0, " PLACEMENT_AHEAD_PRIORITY ")"
	/* Every qualifying queue in one row each. Its subqueries are correlated (t.queue_id =
	 * q.id), and MariaDB reads a correlated subquery by ref on (queue_id, status) only, not
	 * by the due_date and sla_deadline ranges after them: each correction then reads every
	 * waiting ticket of the queue. The check column is NULL. */
	S(STMT_QUEUE_CANDIDATES, PLACEMENT_SQL(PLACEMENT_EITHER_AGE, PLACEMENT_EITHER_PRIORITY, "NULL", "")),
	/* The same for the queues bound (one block per queue, q.id = ?): q is then a constant
	 * table, so every correction reads only its index range. Each row also has how many
	 * queues qualify in all (a row count short of it: the ids missed some). */
#define PLACEMENT_CHECK                                                                                      \
	"(SELECT COUNT(*) FROM queue_priorities qa JOIN queues a ON a.id = qa.queue_id"                        \
	" WHERE qa.priority_id = ? AND a.state = 'open' AND a.id <> ?)"
	/* One queue of either policy (placement_ahead_in). */
	S(STMT_QUEUE_CANDIDATE_IN, PLACEMENT_SQL(PLACEMENT_EITHER_AGE, PLACEMENT_EITHER_PRIORITY, PLACEMENT_CHECK, " AND q.id = ?")),
	/*
	 * Blocks of the policy the memo names, so MariaDB plans only that policy's corrections
	 * (planning is most of a placement's cost: for a fifo and a priority queue, MariaDB's
	 * CPU per statement went from 1.40 to 0.83-0.90 ms without the unused policy's
	 * subqueries, replayed as text). A queue whose policy changed behind the memo's back gives no row,
	 * and the shortfall against the check column reads all queues again. _F<f>P<p>: f fifo
	 * blocks, then p priority blocks.
	 */
#define PLACEMENT_F PLACEMENT_SQL(PLACEMENT_AHEAD_FIFO, "0", PLACEMENT_CHECK, " AND q.id = ? AND q.policy = 'fifo'")
#define PLACEMENT_P                                                                                          \
	PLACEMENT_SQL("0", PLACEMENT_AHEAD_PRIORITY, PLACEMENT_CHECK, " AND q.id = ? AND q.policy <> 'fifo'")
#define U " UNION ALL "
	S(STMT_QUEUE_CANDIDATES_F1P0, PLACEMENT_F),
	S(STMT_QUEUE_CANDIDATES_F0P1, PLACEMENT_P),
	S(STMT_QUEUE_CANDIDATES_F2P0, PLACEMENT_F U PLACEMENT_F),
	S(STMT_QUEUE_CANDIDATES_F1P1, PLACEMENT_F U PLACEMENT_P),
	S(STMT_QUEUE_CANDIDATES_F0P2, PLACEMENT_P U PLACEMENT_P),
	S(STMT_QUEUE_CANDIDATES_F3P0, PLACEMENT_F U PLACEMENT_F U PLACEMENT_F),
	S(STMT_QUEUE_CANDIDATES_F2P1, PLACEMENT_F U PLACEMENT_F U PLACEMENT_P),
	S(STMT_QUEUE_CANDIDATES_F1P2, PLACEMENT_F U PLACEMENT_P U PLACEMENT_P),
	S(STMT_QUEUE_CANDIDATES_F0P3, PLACEMENT_P U PLACEMENT_P U PLACEMENT_P),
	S(STMT_QUEUE_CANDIDATES_F4P0, PLACEMENT_F U PLACEMENT_F U PLACEMENT_F U PLACEMENT_F),
	S(STMT_QUEUE_CANDIDATES_F3P1, PLACEMENT_F U PLACEMENT_F U PLACEMENT_F U PLACEMENT_P),
	S(STMT_QUEUE_CANDIDATES_F2P2, PLACEMENT_F U PLACEMENT_F U PLACEMENT_P U PLACEMENT_P),
	S(STMT_QUEUE_CANDIDATES_F1P3, PLACEMENT_F U PLACEMENT_P U PLACEMENT_P U PLACEMENT_P),
	S(STMT_QUEUE_CANDIDATES_F0P4, PLACEMENT_P U PLACEMENT_P U PLACEMENT_P U PLACEMENT_P),
#undef U
#undef PLACEMENT_P
#undef PLACEMENT_F
#undef PLACEMENT_CHECK
#undef PLACEMENT_EITHER_PRIORITY
#undef PLACEMENT_EITHER_AGE
#undef PLACEMENT_SQL
#undef PLACEMENT_AHEAD_PRIORITY
#undef PLACEMENT_AHEAD_FIFO
	/* The service times (microseconds) of the queue's last 20 served tickets of the day, read
	 * in index order; the repository averages them. With the index named the optimizer
	 * weighs no other of the table's many (measured: its planning was most of the cost). */
	S(STMT_QUEUE_AVG_SERVICE,
	  "SELECT TIMESTAMPDIFF(MICROSECOND, called_date, served_date) FROM tickets FORCE INDEX (ix_tickets_queue_served)"
	  " WHERE queue_id = ? AND service_date = ? AND status = 'served' ORDER BY served_date DESC LIMIT 20"),
	/*
	 * The board's queues and desks in one statement, by queue in created_seq order: first the
	 * queue's own rows (kind 0: one per called ticket, most recent first, or one without), then
	 * one row per active desk and called ticket of it (kind 1), by desk name, most recent call
	 * first. Columns: kind, queue id, queue or desk name, prefix, state, policy, waiting (kind 0
	 * only), desk id, desk user (kind 1 only), then the called ticket's id, code, called_date
	 * and desk_id (kind 0 only). Measured cheaper than the queues and the desks apart. The
	 * called tickets through an index on (queue_id, status): left to itself the optimizer at
	 * times took ix_tickets_queue_served on queue_id alone and read every ticket of the queue
	 * (1,026 rows examined at 1,006 waiting instead of about 30).
	 */
	S(STMT_QUEUE_BOARD,
	  "SELECT 0 AS kind, q.created_seq AS seq, q.id, q.name AS name, q.prefix, q.state, q.policy,"
	  " " QUEUE_WAITING("q", "") ", NULL AS desk, NULL, c.id, c.code, c.called_date AS called, c.desk_id"
	  " FROM queues q LEFT JOIN tickets c FORCE INDEX (ix_tickets_queue_fifo) ON c.queue_id = q.id AND c.status = 'called'"
	  " WHERE q.state IN ('open', 'paused')"
	  " UNION ALL SELECT 1, q.created_seq, q.id, d.name, NULL, NULL, NULL, NULL, d.id, d.user_id, c.id, c.code,"
	  " c.called_date, NULL"
	  " FROM desks d JOIN queues q ON q.id = d.queue_id AND q.state IN ('open', 'paused')"
	  " LEFT JOIN tickets c ON c.desk_id = d.id AND c.status = 'called'"
	  " WHERE d.state = TRUE ORDER BY seq, kind, name, desk, called DESC"),
	/* Every queue (up to ?) in created_seq order, each with its place in name and in prefix
	 * order (both unique), for the per-worker memo (service/catalog.c); waiting is read apart. */
	S(STMT_QUEUE_CATALOGUE,
	  "SELECT q.id, q.name, q.prefix, q.state, q.policy, q.user_id, q.created_date, q.updated_date, q.created_seq, 0,"
	  " (SELECT GROUP_CONCAT(qp.priority_id ORDER BY qp.priority_id) FROM queue_priorities qp WHERE qp.queue_id = q.id),"
	  " ROW_NUMBER() OVER (ORDER BY q.name), ROW_NUMBER() OVER (ORDER BY q.prefix)"
	  " FROM queues q ORDER BY q.created_seq LIMIT ?"),
	/* The waiting tickets of the queues named by a JSON array of ids (one page of a list):
	 * primary-key lookups of queue_waiting_counts for those queues only. */
	S(STMT_QUEUE_WAITING_OF,
	  "SELECT STRAIGHT_JOIN j.id, SUM(IF(wc.direction = 0, wc.n, -wc.n))"
	  " FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$')) j"
	  " JOIN queue_waiting_counts wc ON wc.queue_id = j.id GROUP BY j.id"),

	/* tickets (ticket_repo.c); TICKET_COLUMNS: repo/ticket_columns.h */
	S(STMT_TICKET_PRIORITY_INFO, "SELECT level, max_wait_minutes, state FROM priorities WHERE id = ?"),
	S(STMT_TICKET_CUSTOMER_STATE, "SELECT state FROM customers WHERE id = ?"),
	/* The number is taken by one atomic upsert that also hands it back (as the insert id);
	 * the row stays locked until commit. */
	S(STMT_COUNTER_BUMP,
	  "INSERT INTO queue_day_counters (queue_id, service_date, last_number) VALUES (?, ?, LAST_INSERT_ID(1))"
	  " ON DUPLICATE KEY UPDATE last_number = LAST_INSERT_ID(last_number + 1)"),
	S(STMT_TICKET_INSERT,
	  "INSERT INTO tickets (id, customer_id, priority_id, priority_level, queue_id, issued_queue_id, service_date,"
	  " number, code, status, due_date, sla_deadline, quoted_wait_seconds, created_date, updated_date,"
	  " quoted_wait_low, quoted_wait_high)"
	  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', COALESCE(?, ?),"
	  " IF(? > 0, COALESCE(?, ?) + INTERVAL ? MINUTE, NULL), ?, ?, ?, ?, ?)"),
	S(STMT_TICKET_GET_BY_ID, "SELECT " TICKET_COLUMNS " FROM tickets t LEFT JOIN desks d ON d.id = t.desk_id WHERE t.id = ?"),
	S(STMT_TICKET_GET_FOR_UPDATE, "SELECT " TICKET_COLUMNS_WITH("NULL") " FROM tickets t WHERE t.id = ? FOR UPDATE"),
	S(STMT_TICKET_LIST,
	  "SELECT " TICKET_COLUMNS " FROM tickets t LEFT JOIN desks d ON d.id = t.desk_id WHERE (? IS NULL OR t.queue_id = ?) AND (? IS NULL OR t.status = ?)"
	  " AND (? IS NULL OR t.service_date = ?) AND (? IS NULL OR t.customer_id = ?)"
	  " ORDER BY CASE WHEN ? = 'created_date' THEN t.created_date END ASC,"
	  " CASE WHEN ? = '-created_date' THEN t.created_date END DESC, t.created_date ASC, t.id LIMIT ? OFFSET ?"),
	S(STMT_TICKET_COUNT,
	  "SELECT COUNT(*) FROM tickets t WHERE (? IS NULL OR t.queue_id = ?) AND (? IS NULL OR t.status = ?)"
	  " AND (? IS NULL OR t.service_date = ?) AND (? IS NULL OR t.customer_id = ?)"),
	/* 1-based place of a waiting ticket under its queue's ordering (queue_order.h). */
	S(STMT_TICKET_POSITION,
	  "SELECT 1 + COUNT(o.id) FROM tickets me JOIN queues q ON q.id = me.queue_id"
	  " LEFT JOIN tickets o ON o.queue_id = me.queue_id AND o.status = 'waiting' AND o.id <> me.id"
	  "  AND " QO_BEFORE("q.policy", "o", "me")
	  " WHERE me.id = ? AND me.status = 'waiting'"),
	/* The places of several waiting tickets of one queue (a JSON array of ids) from one
	 * ranking of the queue: ROW_NUMBER in call order is STMT_TICKET_POSITION's 1 + COUNT. */
	S(STMT_TICKET_RANKS_OF,
	  "SELECT r.id, r.rn FROM (SELECT t.id, ROW_NUMBER() OVER (ORDER BY " QO_ORDER_BY_POLICY("q.policy", "t") ") AS rn"
	  " FROM tickets t JOIN queues q ON q.id = t.queue_id WHERE t.queue_id = ? AND t.status = 'waiting') r"
	  " WHERE r.id IN (SELECT j.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(36) CHARACTER SET ascii"
	  " COLLATE ascii_bin PATH '$')) j)"),
	/* Queue call-next serves the queue's called ticket that no desk called (desks serve their own). */
	S(STMT_TICKET_CALLED_OF_QUEUE,
	  "SELECT t.id FROM tickets t WHERE t.queue_id = ? AND t.status = 'called' AND t.desk_id IS NULL FOR UPDATE"),
	/* Take-next: the taken row, with what its answer needs (so call-next reads nothing back)
	 * and the server's clock once the queue is locked: the call's called_date. */
#define TAKE_COLUMNS                                                                                  \
	"t.id, t.queue_id, t.customer_id, t.priority_id, t.service_date, t.number, t.code, t.created_date," \
	" t.quoted_wait_seconds, t.issued_queue_id, t.due_date, UTC_TIMESTAMP(3),"                        \
	" ROUND(UNIX_TIMESTAMP(t.sla_deadline) * 1000), t.quoted_wait_low, t.quoted_wait_high"
	/* Take-next: each ORDER BY is served by an index (named, so no statistics can pick another
	 * that filters better but sorts), and SKIP LOCKED skips only what others hold.
	 * Stealing scans waiting tickets in call order; left alone, the optimizer would start from
	 * the calling queue's priorities and sort, locking every candidate row. */
	/* Whether the queue has an overdue waiting ticket: a range of the standing index that
	 * stops at the first row. The overdue take walks the queue in due order (so that SKIP
	 * LOCKED skips only what others hold) and, with none overdue, would read all of it. */
	S(STMT_TICKET_OVERDUE_EXISTS,
	  "SELECT EXISTS (SELECT 1 FROM tickets t FORCE INDEX (ix_tickets_queue_standing)"
	  " WHERE t.queue_id = ? AND t.status = 'waiting' AND " QO_OVERDUE("t") ")"),
	S(STMT_TICKET_NEXT_OVERDUE,
	  "SELECT " TAKE_COLUMNS " FROM tickets t FORCE INDEX (ix_tickets_queue_overdue) WHERE t.queue_id = ? AND t.status = 'waiting' AND " QO_OVERDUE("t")
	  " ORDER BY " QO_OVERDUE_KEYS("t") " LIMIT 1 FOR UPDATE SKIP LOCKED"),
	S(STMT_TICKET_NEXT_LEVEL,
	  "SELECT " TAKE_COLUMNS " FROM tickets t FORCE INDEX (ix_tickets_queue_level) WHERE t.queue_id = ? AND t.status = 'waiting'"
	  " ORDER BY " QO_LEVEL_KEYS("t") " LIMIT 1 FOR UPDATE SKIP LOCKED"),
	S(STMT_TICKET_NEXT_FIFO,
	  "SELECT " TAKE_COLUMNS " FROM tickets t FORCE INDEX (ix_tickets_queue_fifo) WHERE t.queue_id = ? AND t.status = 'waiting'"
	  " ORDER BY " QO_FIFO_KEYS("t") " LIMIT 1 FOR UPDATE SKIP LOCKED"),
	S(STMT_TICKET_STEAL_OVERDUE,
	  "SELECT STRAIGHT_JOIN " TAKE_COLUMNS " FROM tickets t FORCE INDEX (ix_tickets_steal_overdue) WHERE t.status = 'waiting' AND t.queue_id <> ? AND t.priority_id IN (SELECT qp.priority_id FROM queue_priorities qp WHERE qp.queue_id = ?) AND t.queue_id IN (SELECT q.id FROM queues q WHERE q.state IN ('open', 'paused')) AND " QO_OVERDUE("t") " ORDER BY " QO_OVERDUE_KEYS("t") " LIMIT 1 FOR UPDATE SKIP LOCKED"),
	S(STMT_TICKET_STEAL_LEVEL,
	  "SELECT STRAIGHT_JOIN " TAKE_COLUMNS " FROM tickets t FORCE INDEX (ix_tickets_steal_level) WHERE t.status = 'waiting' AND t.queue_id <> ? AND t.priority_id IN (SELECT qp.priority_id FROM queue_priorities qp WHERE qp.queue_id = ?) AND t.queue_id IN (SELECT q.id FROM queues q WHERE q.state IN ('open', 'paused')) ORDER BY " QO_LEVEL_KEYS("t") " LIMIT 1 FOR UPDATE SKIP LOCKED"),
	S(STMT_TICKET_STEAL_FIFO,
	  "SELECT STRAIGHT_JOIN " TAKE_COLUMNS " FROM tickets t FORCE INDEX (ix_tickets_steal_fifo) WHERE t.status = 'waiting' AND t.queue_id <> ? AND t.priority_id IN (SELECT qp.priority_id FROM queue_priorities qp WHERE qp.queue_id = ?) AND t.queue_id IN (SELECT q.id FROM queues q WHERE q.state IN ('open', 'paused')) ORDER BY " QO_FIFO_KEYS("t") " LIMIT 1 FOR UPDATE SKIP LOCKED"),
#undef TAKE_COLUMNS
	/* At the given instant (NULL: now). */
	S(STMT_TICKET_MARK_CALLED,
	  "UPDATE tickets SET status = 'called', called_date = COALESCE(?, UTC_TIMESTAMP(3)), called_by = ?, queue_id = ?,"
	  " desk_id = ?, updated_date = COALESCE(?, UTC_TIMESTAMP(3)) WHERE id = ? AND status = 'waiting'"),
	/* Guarded by the expected current status: a lost race changes no row. */
	S(STMT_TICKET_SET_STATUS,
	  "UPDATE tickets SET status = ?, served_date = IF(? = 'served', UTC_TIMESTAMP(3), served_date),"
	  " called_date = IF(? = 'waiting', NULL, called_date), called_by = IF(? = 'waiting', NULL, called_by),"
	  " desk_id = IF(? = 'waiting', NULL, desk_id), updated_date = UTC_TIMESTAMP(3) WHERE id = ? AND status = ?"),
	S(STMT_TICKET_RECALL,
	  "UPDATE tickets SET called_date = UTC_TIMESTAMP(3), updated_date = UTC_TIMESTAMP(3)"
	  " WHERE id = ? AND status = 'called'"),
	S(STMT_TICKET_MOVE,
	  "UPDATE tickets SET queue_id = ?, status = 'waiting', called_date = NULL, called_by = NULL, desk_id = NULL,"
	  " updated_date = UTC_TIMESTAMP(3) WHERE id = ? AND status = ?"),
	S(STMT_TICKET_WAITING_OF_QUEUE,
	  "SELECT t.id, t.priority_id, t.priority_level, t.created_date, t.due_date, t.sla_deadline"
	  " FROM tickets t WHERE t.queue_id = ? AND t.status = 'waiting'"
	  " ORDER BY " QO_FIFO_KEYS("t") " FOR UPDATE"),
	S(STMT_EVENT_INSERT,
	  "INSERT INTO ticket_events (ticket_id, event, from_queue_id, to_queue_id, desk_id, user_id, reason, at)"
	  " VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))"),
	S(STMT_EVENT_LIST,
	  "SELECT seq, event, from_queue_id, to_queue_id, user_id, reason, at, desk_id FROM ticket_events"
	  " WHERE ticket_id = ? ORDER BY seq"),
	S(STMT_IDEM_GET,
	  "SELECT ticket_id, request_hash FROM idempotency_keys WHERE user_id = ? AND idem_key = ? FOR UPDATE"),
	S(STMT_IDEM_INSERT,
	  "INSERT INTO idempotency_keys (user_id, idem_key, ticket_id, request_hash, created_date)"
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3))"),
	S(STMT_RESTART_EVENTS,
	  "INSERT INTO ticket_events (ticket_id, event, from_queue_id, at)"
	  " SELECT id, 'expired', queue_id, UTC_TIMESTAMP(3) FROM tickets"
	  " WHERE status IN ('waiting', 'called') AND service_date < ?"),
	S(STMT_RESTART_EXPIRE,
	  "UPDATE tickets SET status = 'expired', updated_date = UTC_TIMESTAMP(3)"
	  " WHERE status IN ('waiting', 'called') AND service_date < ?"),
	S(STMT_PUBLIC_TICKET,
	  "SELECT t.id, t.code, t.queue_id, q.name, t.status, d.name FROM tickets t JOIN queues q ON q.id = t.queue_id"
	  " LEFT JOIN desks d ON d.id = t.desk_id WHERE t.id = ?"),
	/* The public views of a queue's first waiting tickets in call order (queue_order.h): the
	 * n-th row is at position n. One sort of the queue for the relay, not a count per ticket. */
	S(STMT_PUBLIC_WAITING_OF_QUEUE,
	  "SELECT t.id, t.code, t.queue_id, q.name, t.status, NULL FROM tickets t JOIN queues q ON q.id = t.queue_id"
	  " WHERE t.queue_id = ? AND t.status = 'waiting' ORDER BY " QO_ORDER_BY_POLICY("q.policy", "t") " LIMIT ?"),

	/* reports (report_repo.c) */
	/*
	 * One row per group; the server does all the arithmetic. wait = due -> called
	 * (called tickets only; called before due_date counts as 0), service = called -> served
	 * (served ones), SLA met = served and called within the priority's max_wait_minutes of
	 * due_date (0 = no target: met). The 90th
	 * percentile is PERCENTILE_CONT over the group's waits (NULLs ignored), computed as a
	 * window and picked up by the outer aggregate.
	 */
#define REPORT_SQL(key, join, name, where)                                                                     \
	"SELECT g.k, " name ", COUNT(*), SUM(g.status = 'served'), SUM(g.status = 'no_show'),"                  \
	" SUM(g.status = 'cancelled'), SUM(g.status = 'expired'), ROUND(AVG(g.wait), 3), ROUND(MAX(g.p90), 3),"  \
	" ROUND(AVG(g.service), 3),"                                                                            \
	" ROUND(100 * SUM(g.status = 'served' AND g.sla_ok) / NULLIF(SUM(g.status = 'served'), 0), 2)"          \
	" FROM (SELECT " key " AS k, t.status,"                                                                  \
	" GREATEST(0, TIMESTAMPDIFF(MICROSECOND, t.due_date, t.called_date)) / 1000000 AS wait,"              \
	" IF(t.status = 'served', TIMESTAMPDIFF(MICROSECOND, t.called_date, t.served_date) / 1000000, NULL)"    \
	" AS service,"                                                                                          \
	" (p.max_wait_minutes = 0 OR t.called_date <= t.due_date + INTERVAL p.max_wait_minutes MINUTE)"         \
	" AS sla_ok,"                                                                                           \
	" PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY GREATEST(0, TIMESTAMPDIFF(MICROSECOND, t.due_date, t.called_date)))" \
	" OVER (PARTITION BY " key ") / 1000000 AS p90"                                                         \
	" FROM tickets t JOIN priorities p ON p.id = t.priority_id"                                             \
	" WHERE t.service_date BETWEEN ? AND ?" where ") g " join " GROUP BY g.k, " name " ORDER BY " name ", g.k"
	S(STMT_REPORT_BY_QUEUE, REPORT_SQL("t.queue_id", "JOIN queues x ON x.id = g.k", "x.name", "")),
	S(STMT_REPORT_BY_ATTENDANT,
	  REPORT_SQL("t.called_by", "JOIN users x ON x.id = g.k", "x.user_name", " AND t.called_by IS NOT NULL")),
	S(STMT_REPORT_BY_PRIORITY, REPORT_SQL("t.priority_id", "JOIN priorities x ON x.id = g.k", "x.name", "")),
	S(STMT_REPORT_BY_DESK, REPORT_SQL("t.desk_id", "JOIN desks x ON x.id = g.k", "x.name", " AND t.desk_id IS NOT NULL")),
#undef REPORT_SQL
	/* Keyset pagination in index order (ix_tickets_export): each page starts after the last row of the previous one. */
	S(STMT_REPORT_EXPORT_PAGE,
	  "SELECT t.id, t.code, t.service_date, t.queue_id, q.name, p.name, t.customer_id, c.dni, c.first_name,"
	  " c.last_name, t.status, t.created_date, t.called_date, t.served_date, u.user_name, t.created_date"
	  " FROM tickets t JOIN queues q ON q.id = t.queue_id JOIN priorities p ON p.id = t.priority_id"
	  " JOIN customers c ON c.id = t.customer_id LEFT JOIN users u ON u.id = t.called_by"
	  " WHERE t.service_date BETWEEN ? AND ? AND (? IS NULL OR t.queue_id = ?)"
	  " AND (t.service_date > ? OR (t.service_date = ? AND (t.created_date > ?"
	  " OR (t.created_date = ? AND t.id > ?))))"
	  " ORDER BY t.service_date, t.created_date, t.id LIMIT ?"),

	/* desks (desk_repo.c); columns always in DESK_COLUMNS order (see desk_repo.c) */
	S(STMT_DESK_INSERT,
	  "INSERT INTO desks (id, name, queue_id, state, user_id, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, NULL, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_DESK_GET_BY_ID,
	  "SELECT d.id, d.name, d.queue_id, d.state, d.user_id, d.created_date, d.updated_date FROM desks d WHERE d.id = ?"),
	S(STMT_DESK_LOCK, "SELECT d.id, d.name, d.queue_id, d.state, d.user_id, d.created_date, d.updated_date FROM desks d WHERE d.id = ? FOR UPDATE"),
	S(STMT_DESK_LIST,
	  "SELECT d.id, d.name, d.queue_id, d.state, d.user_id, d.created_date, d.updated_date FROM desks d"
	  " WHERE (? IS NULL OR d.queue_id = ?) AND (? IS NULL OR d.state = ?) AND (? IS NULL OR d.user_id = ?)"
	  " ORDER BY CASE WHEN ? = 'name' THEN d.name END ASC, CASE WHEN ? = '-name' THEN d.name END DESC,"
	  " CASE WHEN ? = 'created_date' THEN d.created_date END ASC,"
	  " CASE WHEN ? = '-created_date' THEN d.created_date END DESC, d.name ASC, d.id ASC LIMIT ? OFFSET ?"),
	S(STMT_DESK_COUNT,
	  "SELECT COUNT(*) FROM desks d"
	  " WHERE (? IS NULL OR d.queue_id = ?) AND (? IS NULL OR d.state = ?) AND (? IS NULL OR d.user_id = ?)"),
	S(STMT_DESK_UPDATE,
	  "UPDATE desks SET name = ?, queue_id = ?, state = ?, user_id = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_DESK_SET_USER, "UPDATE desks SET user_id = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	/* Opening a desk signs its user out of any other one first (one desk per user). */
	S(STMT_DESK_SIGN_OUT_ELSEWHERE,
	  "UPDATE desks SET user_id = NULL, updated_date = UTC_TIMESTAMP(3) WHERE user_id = ? AND id <> ?"),
	/* The attendant rule's second half: signed in at an active desk of the queue. */
	S(STMT_DESK_SIGNED_IN_AT_QUEUE,
	  "SELECT COUNT(*) FROM desks d WHERE d.user_id = ? AND d.queue_id = ? AND d.state = TRUE"),
	S(STMT_DESK_OF_USER, "SELECT d.id FROM desks d WHERE d.user_id = ? AND d.state = TRUE"),
	S(STMT_TICKET_CALLED_OF_DESK,
	  "SELECT t.id, t.queue_id FROM tickets t WHERE t.desk_id = ? AND t.status = 'called'"
	  " ORDER BY t.called_date FOR UPDATE"),
	/* notifications (notify_repo.c): what a ticket asked for, and the outbox */
	S(STMT_NOTIFY_PREFS_INSERT,
	  "INSERT INTO ticket_notify (ticket_id, email, sms, ahead, near_sent, created_date)"
	  " VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3))"),
	S(STMT_NOTIFY_PREFS_GET, "SELECT email, sms, ahead, near_sent FROM ticket_notify WHERE ticket_id = ?"),
	/* No locks: a waiting ticket locked here would be skipped by call-next's SKIP LOCKED.
	 * STMT_NOTIFY_NEAR_MARK decides who enqueues. */
	S(STMT_NOTIFY_NEAR_CANDIDATES,
	  "SELECT tn.ticket_id, tn.ahead FROM ticket_notify tn JOIN tickets t ON t.id = tn.ticket_id"
	  " WHERE t.queue_id = ? AND t.status = 'waiting' AND tn.near_sent = FALSE"),
	S(STMT_NOTIFY_NEAR_MARK, "UPDATE ticket_notify SET near_sent = TRUE WHERE ticket_id = ? AND near_sent = FALSE"),
	S(STMT_NOTIFY_TICKET_CONTEXT,
	  "SELECT t.code, t.status, t.queue_id, q.name, c.email, c.phone FROM tickets t"
	  " JOIN queues q ON q.id = t.queue_id JOIN customers c ON c.id = t.customer_id WHERE t.id = ?"),
	/* A second enqueue of the same notification (same dedupe_key) changes nothing: 0 rows. */
	S(STMT_NOTIFY_INSERT,
	  "INSERT INTO notifications (id, ticket_id, appointment_id, channel, kind, to_address, subject, body,"
	  " message_id, dedupe_key, status, last_error, next_attempt_at, created_date)"
	  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"
	  " ON DUPLICATE KEY UPDATE id = id"),
	S(STMT_NOTIFY_LIST_BY_TICKET,
	  "SELECT id, channel, kind, to_address, status, attempts, last_error, created_date, sent_date"
	  " FROM notifications WHERE ticket_id = ? ORDER BY created_date, id"),
	S(STMT_NOTIFY_NOW, "SELECT UTC_TIMESTAMP(3)"),
	/* One due row at a time; another sender skips it while this one holds the claim. */
	S(STMT_NOTIFY_CLAIM_NEXT,
	  "SELECT id, channel, to_address, subject, body, message_id, attempts FROM notifications"
	  " WHERE status = 'pending' AND next_attempt_at < ? ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"),
	/* The attempt is counted and the row pushed past the lease before anything is sent. */
	S(STMT_NOTIFY_MARK_CLAIMED,
	  "UPDATE notifications SET attempts = attempts + 1, claim_token = ?,"
	  " next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND WHERE id = ? AND status = 'pending'"),
	S(STMT_NOTIFY_MARK_SENT,
	  "UPDATE notifications SET status = 'sent', sent_date = UTC_TIMESTAMP(3), last_error = NULL, claim_token = NULL"
	  " WHERE id = ? AND claim_token = ?"),
	S(STMT_NOTIFY_MARK_RETRY,
	  "UPDATE notifications SET last_error = ?, next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND,"
	  " claim_token = NULL WHERE id = ? AND claim_token = ?"),
	S(STMT_NOTIFY_MARK_FAILED,
	  "UPDATE notifications SET status = 'failed', last_error = ?, claim_token = NULL WHERE id = ? AND claim_token = ?"),
	S(STMT_NOTIFY_APPOINTMENT_CONTEXT,
	  "SELECT q.name, UNIX_TIMESTAMP(a.start), c.email, c.phone FROM appointments a"
	  " JOIN queues q ON q.id = a.queue_id JOIN customers c ON c.id = a.customer_id WHERE a.id = ?"),
	/* STMT_NOTIFY_CLAIM_NEXT for one channel: the relay sends email and SMS apart, so a
	 * gateway that hangs holds up only its own channel. */
	S(STMT_NOTIFY_CLAIM_NEXT_CHANNEL,
	  "SELECT id, channel, to_address, subject, body, message_id, attempts FROM notifications"
	  " WHERE status = 'pending' AND next_attempt_at < ? AND channel = ? ORDER BY next_attempt_at, id LIMIT 1"
	  " FOR UPDATE SKIP LOCKED"),
	/* appointments (appointment_repo.c); times in and out as unix seconds (the session is UTC) */
	S(STMT_SCHEDULE_GET,
	  "SELECT slot_minutes, capacity, weeks_ahead, late_grace_minutes, hours, closed_dates FROM queue_schedules"
	  " WHERE queue_id = ?"),
	/* Public bookings of a queue take turns on its schedule row, so the one-per-day rule holds. */
	S(STMT_SCHEDULE_LOCK, "SELECT queue_id FROM queue_schedules WHERE queue_id = ? FOR UPDATE"),
	S(STMT_SCHEDULE_UPSERT,
	  "INSERT INTO queue_schedules (queue_id, slot_minutes, capacity, weeks_ahead, late_grace_minutes, hours,"
	  " closed_dates, updated_date) VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))"
	  " ON DUPLICATE KEY UPDATE slot_minutes = VALUES(slot_minutes), capacity = VALUES(capacity),"
	  " weeks_ahead = VALUES(weeks_ahead), late_grace_minutes = VALUES(late_grace_minutes), hours = VALUES(hours),"
	  " closed_dates = VALUES(closed_dates), updated_date = UTC_TIMESTAMP(3)"),
	/* The slot's row exists from its first booking on; the upsert already holds it exclusively. */
	S(STMT_SLOT_ENSURE,
	  "INSERT INTO appointment_slots (queue_id, start, created_date) VALUES (?, FROM_UNIXTIME(?), UTC_TIMESTAMP(3))"
	  " ON DUPLICATE KEY UPDATE queue_id = queue_id"),
	S(STMT_SLOT_LOCK, "SELECT queue_id FROM appointment_slots WHERE queue_id = ? AND start = FROM_UNIXTIME(?) FOR UPDATE"),
	/* Bookings that hold a place: booked and checked in (cancelled and no-show ones free it).
	 * A locking read, so it sees what the booking that held the slot's lock before committed
	 * (a plain read would see the transaction's older snapshot). */
	S(STMT_SLOT_TAKEN,
	  "SELECT COUNT(*) FROM appointments WHERE queue_id = ? AND start = FROM_UNIXTIME(?)"
	  " AND status IN ('booked', 'checked_in') FOR UPDATE"),
	S(STMT_SLOT_TAKEN_RANGE,
	  "SELECT UNIX_TIMESTAMP(start), COUNT(*) FROM appointments WHERE queue_id = ? AND start >= FROM_UNIXTIME(?)"
	  " AND start < FROM_UNIXTIME(?) AND status IN ('booked', 'checked_in') GROUP BY start"),
	S(STMT_APPT_INSERT,
	  "INSERT INTO appointments (id, queue_id, priority_id, customer_id, start, end, service_date, status,"
	  " late_grace_minutes, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, 'booked', ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_APPT_GET, "SELECT a.id, a.queue_id, a.priority_id, a.customer_id, UNIX_TIMESTAMP(a.start), UNIX_TIMESTAMP(a.end), a.service_date, a.status, a.ticket_id, a.created_date, a.updated_date, a.checked_in_date, a.late_grace_minutes FROM appointments a WHERE a.id = ?"),
	S(STMT_APPT_GET_FOR_UPDATE, "SELECT a.id, a.queue_id, a.priority_id, a.customer_id, UNIX_TIMESTAMP(a.start), UNIX_TIMESTAMP(a.end), a.service_date, a.status, a.ticket_id, a.created_date, a.updated_date, a.checked_in_date, a.late_grace_minutes FROM appointments a WHERE a.id = ? FOR UPDATE"),
	S(STMT_APPT_LIST,
	  "SELECT a.id, a.queue_id, a.priority_id, a.customer_id, UNIX_TIMESTAMP(a.start), UNIX_TIMESTAMP(a.end), a.service_date, a.status, a.ticket_id, a.created_date, a.updated_date, a.checked_in_date, a.late_grace_minutes FROM appointments a WHERE (? IS NULL OR a.queue_id = ?) AND (? IS NULL OR a.service_date = ?) AND (? IS NULL OR a.status = ?) AND (? IS NULL OR a.customer_id = ?)"
	  " ORDER BY CASE WHEN ? = '-start' THEN a.start END DESC, a.start, a.created_date, a.id LIMIT ? OFFSET ?"),
	S(STMT_APPT_COUNT, "SELECT COUNT(*) FROM appointments a WHERE (? IS NULL OR a.queue_id = ?) AND (? IS NULL OR a.service_date = ?) AND (? IS NULL OR a.status = ?) AND (? IS NULL OR a.customer_id = ?)"),
	/* Guarded by the expected current status: a lost race changes no row. */
	S(STMT_APPT_SET_STATUS,
	  "UPDATE appointments SET status = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ? AND status = ?"),
	S(STMT_APPT_CHECK_IN,
	  "UPDATE appointments SET status = 'checked_in', ticket_id = ?, checked_in_date = UTC_TIMESTAMP(3),"
	  " updated_date = UTC_TIMESTAMP(3) WHERE id = ? AND status = 'booked'"),
	/* Anti-hoarding: a booked appointment of the queue that day held by the same dni, email or phone. */
	S(STMT_APPT_HELD_BY_CONTACT,
	  "SELECT COUNT(*) FROM appointments a JOIN customers c ON c.id = a.customer_id"
	  " WHERE a.queue_id = ? AND a.service_date = ? AND a.status = 'booked'"
	  " AND ((? IS NOT NULL AND c.dni = ?) OR (? IS NOT NULL AND c.email = ?) OR (? IS NOT NULL AND c.phone = ?))"
	  " LOCK IN SHARE MODE"),
	/* The daily restart's no-shows, locked before they change (their webhook events follow). */
	S(STMT_APPT_BOOKED_BEFORE,
	  "SELECT a.id FROM appointments a WHERE a.status = 'booked' AND a.service_date < ? FOR UPDATE"),
	S(STMT_APPT_NO_SHOW_BEFORE,
	  "UPDATE appointments SET status = 'no_show', updated_date = UTC_TIMESTAMP(3)"
	  " WHERE status = 'booked' AND service_date < ?"),
	S(STMT_PUBLIC_QUEUES,
	  "SELECT q.id, q.name FROM queues q JOIN queue_schedules s ON s.queue_id = q.id"
	  " WHERE q.state = 'open' AND s.hours <> '' ORDER BY q.created_seq"),
	S(STMT_PUBLIC_APPOINTMENT,
	  "SELECT a.id, a.queue_id, q.name, UNIX_TIMESTAMP(a.start), UNIX_TIMESTAMP(a.end), a.status"
	  " FROM appointments a JOIN queues q ON q.id = a.queue_id WHERE a.id = ?"),
	/* Counts by current status over the days of start; on time = checked in by start + grace, out of
	 * the appointments that were due (checked in or no-show). */
	S(STMT_REPORT_APPOINTMENTS,
	  "SELECT a.queue_id, q.name, SUM(a.status = 'booked'), SUM(a.status = 'checked_in'),"
	  " SUM(a.status = 'cancelled'), SUM(a.status = 'no_show'),"
	  " ROUND(100 * SUM(a.status = 'checked_in' AND a.checked_in_date <= a.start + INTERVAL a.late_grace_minutes MINUTE)"
	  " / NULLIF(SUM(a.status IN ('checked_in', 'no_show')), 0), 2)"
	  " FROM appointments a JOIN queues q ON q.id = a.queue_id WHERE a.service_date BETWEEN ? AND ?"
	  " GROUP BY a.queue_id, q.name ORDER BY q.name, a.queue_id"),
	/* One row: wsrep_on (an error on servers without Galera), then the three states a
	 * node must show to take work. wsrep_sync_wait = 0: never wait on a lagging node. */
	S(STMT_DB_NODE_STATE,
	  "SET STATEMENT wsrep_sync_wait = 0 FOR SELECT @@GLOBAL.wsrep_on,"
	  " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_READY'),"
	  " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_STATUS'),"
	  " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT')"),
	/* the event log and turnero-relay (event_repo.c, relay_repo.c) */
	S(STMT_EVENT_LOG,
	  "SELECT seq, ticket_id, event, from_queue_id, to_queue_id, desk_id, user_id, reason, at FROM ticket_events"
	  " WHERE seq > ? ORDER BY seq LIMIT ?"),
	S(STMT_EVENT_MAX_SEQ, "SELECT COALESCE(MAX(seq), 0) FROM ticket_events"),
	/* How long the oldest event after a position has waited, in milliseconds. */
	S(STMT_EVENT_FIRST_AFTER,
	  "SELECT TIMESTAMPDIFF(MICROSECOND, at, UTC_TIMESTAMP(3)) DIV 1000 FROM ticket_events WHERE seq > ?"
	  " ORDER BY seq LIMIT 1"),
	/* Renews the lease for its holder, or takes it over once it expired. */
	S(STMT_RELAY_LEASE_TAKE,
	  "UPDATE relay_lease SET holder = ?, expires_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND"
	  " WHERE id = 1 AND (holder = ? OR expires_at < UTC_TIMESTAMP(3))"),
	S(STMT_RELAY_LEASE_RELEASE,
	  "UPDATE relay_lease SET expires_at = '2000-01-01 00:00:00.000' WHERE id = 1 AND holder = ?"),
	S(STMT_RELAY_POSITION, "SELECT last_seq FROM relay_state WHERE id = 1"),
	S(STMT_RELAY_SET_POSITION,
	  "UPDATE relay_state SET last_seq = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = 1 AND last_seq <= ?"),

	/* webhooks (webhook_repo.c): columns always in WEBHOOK_COLUMNS order */
#define WEBHOOK_COLUMNS                                                                                       \
	"w.id, w.url, w.events, w.description, w.state, w.secret, w.previous_secret,"                            \
	" (w.previous_expires_at IS NOT NULL AND w.previous_expires_at > UTC_TIMESTAMP(3)), w.created_date,"    \
	" w.updated_date"
	S(STMT_WEBHOOK_INSERT,
	  "INSERT INTO webhooks (id, url, events, description, state, secret, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_WEBHOOK_GET_BY_ID, "SELECT " WEBHOOK_COLUMNS " FROM webhooks w WHERE w.id = ?"),
	S(STMT_WEBHOOK_LIST,
	  "SELECT " WEBHOOK_COLUMNS " FROM webhooks w WHERE (? IS NULL OR w.state = ?)"
	  " ORDER BY CASE WHEN ? = 'created_date' THEN w.created_date END ASC,"
	  " CASE WHEN ? = '-created_date' THEN w.created_date END DESC,"
	  " CASE WHEN ? = 'url' THEN w.url END ASC,"
	  " CASE WHEN ? = '-url' THEN w.url END DESC,"
	  " w.created_date ASC, w.id ASC LIMIT ? OFFSET ?"),
	S(STMT_WEBHOOK_COUNT, "SELECT COUNT(*) FROM webhooks w WHERE (? IS NULL OR w.state = ?)"),
	S(STMT_WEBHOOK_UPDATE,
	  "UPDATE webhooks SET url = ?, events = ?, description = ?, state = ?, updated_date = UTC_TIMESTAMP(3)"
	  " WHERE id = ?"),
	S(STMT_WEBHOOK_SET_STATE, "UPDATE webhooks SET state = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	/* The old secret keeps signing for 24 hours. */
	S(STMT_WEBHOOK_ROTATE,
	  "UPDATE webhooks SET previous_secret = secret, previous_expires_at = UTC_TIMESTAMP(3) + INTERVAL 24 HOUR,"
	  " secret = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
#undef WEBHOOK_COLUMNS
	/* A random version-4 UUID made by the server, for rows inserted by INSERT ... SELECT (the
	 * trigger of sql/014_event_outbox.sql writes the same expression). */
#define SQL_UUID4                                                                                             \
	"LOWER(CONCAT(HEX(RANDOM_BYTES(4)), '-', HEX(RANDOM_BYTES(2)), '-4', SUBSTR(HEX(RANDOM_BYTES(2)), 2), '-'," \
	" HEX(8 + FLOOR(ASCII(RANDOM_BYTES(1)) / 64)), SUBSTR(HEX(RANDOM_BYTES(2)), 2), '-', HEX(RANDOM_BYTES(6))))"
	/*
	 * The outbox rows of an appointment change (SPEC 11), in its transaction: the body
	 * {type, timestamp, data: {appointment}} with the appointment as GET /appointments/{id}
	 * shows it after the change (render_appointment's fields, times in RFC 3339 UTC).
	 */
#define RFC3339(x) "CONCAT(LEFT(DATE_FORMAT(" x ", '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
	S(STMT_DELIVERY_FOR_APPOINTMENT,
	  "INSERT INTO webhook_deliveries (id, webhook_id, type, payload, status, next_attempt_at, created_date)"
	  " SELECT " SQL_UUID4 ", w.id, CONCAT('appointment.', ?),"
	  " JSON_COMPACT(JSON_OBJECT('type', CONCAT('appointment.', ?), 'timestamp', " RFC3339("a.updated_date") ","
	  " 'data', JSON_OBJECT('appointment', JSON_OBJECT('id', a.id, 'queue_id', a.queue_id,"
	  " 'priority_id', a.priority_id, 'customer_id', a.customer_id, 'start', " RFC3339("a.start") ","
	  " 'end', " RFC3339("a.end") ", 'status', a.status, 'ticket_id', a.ticket_id,"
	  " 'checked_in_date', " RFC3339("a.checked_in_date") ", 'created_date', " RFC3339("a.created_date") ","
	  " 'updated_date', " RFC3339("a.updated_date") ")))),"
	  " 'pending', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)"
	  " FROM appointments a JOIN webhooks w ON w.state = 1"
	  " AND (w.events = ',*,' OR LOCATE(CONCAT(',appointment.', ?, ','), w.events) > 0)"
	  " WHERE a.id = ?"),
#undef RFC3339
#undef SQL_UUID4
	S(STMT_DELIVERY_INSERT_TEST,
	  "INSERT INTO webhook_deliveries (id, webhook_id, type, payload, status, next_attempt_at, created_date)"
	  " VALUES (?, ?, 'webhook.test', ?, 'pending', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
#define DELIVERY_COLUMNS                                                                                      \
	"d.id, d.type, d.seq, d.status, d.attempts, d.last_status_code, d.last_error, d.next_attempt_at,"        \
	" d.created_date, d.delivered_date"
	S(STMT_DELIVERY_LIST,
	  "SELECT " DELIVERY_COLUMNS " FROM webhook_deliveries d WHERE d.webhook_id = ? AND (? IS NULL OR d.status = ?)"
	  " ORDER BY d.created_date DESC, d.seq DESC, d.id DESC LIMIT ? OFFSET ?"),
	S(STMT_DELIVERY_COUNT,
	  "SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = ? AND (? IS NULL OR d.status = ?)"),
#undef DELIVERY_COLUMNS
	/* Sends it again with the same id (and so the same webhook-id), also when delivered. */
	S(STMT_DELIVERY_RETRY,
	  "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = UTC_TIMESTAMP(3)"
	  " WHERE id = ? AND webhook_id = ?"),
	S(STMT_DELIVERY_SET_PAYLOAD,
	  "UPDATE webhook_deliveries SET payload = ? WHERE seq = ? AND payload IS NULL"),
	/*
	 * Due deliveries with their webhook. A payload is filled when the relay reaches the event;
	 * one still empty after 10 s (its event committed after the relay moved on) is rendered then.
	 */
	S(STMT_DELIVERY_DUE,
	  "SELECT d.id, d.webhook_id, d.type, d.payload, d.ticket_id, d.attempts, w.url, w.state, w.secret,"
	  " IF(w.previous_expires_at > UTC_TIMESTAMP(3), w.previous_secret, NULL), d.created_date"
	  " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
	  " WHERE d.status = 'pending' AND d.next_attempt_at <= UTC_TIMESTAMP(3)"
	  " AND (d.payload IS NOT NULL OR d.created_date < UTC_TIMESTAMP(3) - INTERVAL 10 SECOND)"
	  " ORDER BY d.next_attempt_at, d.created_date LIMIT ?"),
	/* An attempt under way is due again only after ? seconds (when its relay died meanwhile). */
	S(STMT_DELIVERY_CLAIM,
	  "UPDATE webhook_deliveries SET next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND"
	  " WHERE id = ? AND status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(3)"),
	/* The relay's batches: DELIVERY_BATCH ids (webhook_repo.h), the unused ones bound to ''. */
#define Q8 "?, ?, ?, ?, ?, ?, ?, ?"
#define Q32 Q8 ", " Q8 ", " Q8 ", " Q8
	S(STMT_DELIVERY_CLAIM_BATCH,
	  "UPDATE webhook_deliveries SET next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND"
	  " WHERE status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(3) AND id IN (" Q32 ")"),
	S(STMT_DELIVERY_DELIVERED_BATCH,
	  "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status_code = ?,"
	  " last_error = NULL, delivered_date = UTC_TIMESTAMP(3) WHERE id IN (" Q32 ")"),
#undef Q32
#undef Q8
	S(STMT_DELIVERY_DELIVERED,
	  "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status_code = ?,"
	  " last_error = NULL, delivered_date = UTC_TIMESTAMP(3), payload = COALESCE(payload, ?) WHERE id = ?"),
	S(STMT_DELIVERY_RESCHEDULE,
	  "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = ?, last_error = ?,"
	  " next_attempt_at = UTC_TIMESTAMP(3) + INTERVAL ? * 1000 MICROSECOND, payload = COALESCE(payload, ?)"
	  " WHERE id = ?"),
	S(STMT_DELIVERY_FAILED,
	  "UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + ?, last_status_code = ?,"
	  " last_error = ?, payload = COALESCE(payload, ?) WHERE id = ?"),
	S(STMT_DELIVERY_PENDING_COUNT, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'"),

	/* explanations and forecasts, SPEC 14 (explain_repo.c); times as unix milliseconds (the session is UTC) */
#define MS(x) "ROUND(UNIX_TIMESTAMP(" x ") * 1000)"
	/*
	 * A queue's waiting tickets in the order call-next takes them: the take-next statements'
	 * keys (queue_order.h) by the queue's policy. One row with NULL ticket columns when none
	 * wait; no row for an unknown queue.
	 */
	S(STMT_EXPLAIN_ORDER,
	  "SELECT q.policy, t.id, t.code, t.priority_id, t.priority_level, t.due_date, " MS("t.due_date") ","
	  " t.sla_deadline IS NOT NULL, " MS("t.sla_deadline") ", " QO_OVERDUE("t") ", " MS("UTC_TIMESTAMP(3)")
	  " FROM queues q LEFT JOIN tickets t ON t.queue_id = q.id AND t.status = 'waiting' WHERE q.id = ?"
	  " ORDER BY " QO_ORDER_BY_POLICY("q.policy", "t")),
	/* What a forecast needs of one queue in one round trip: rows ('s', seconds) of its last 20
	 * services of the day, and one row ('d', desks with someone signed in). */
	S(STMT_FORECAST_BASIS,
	  "SELECT 's', x.s FROM (SELECT TIMESTAMPDIFF(MICROSECOND, called_date, served_date) / 1000000 AS s"
	  " FROM tickets FORCE INDEX (ix_tickets_queue_served) WHERE queue_id = ? AND service_date = ? AND status = 'served'"
	  " ORDER BY served_date DESC LIMIT 20) x"
	  " UNION ALL SELECT 'd', COUNT(*) FROM desks d WHERE d.queue_id = ? AND d.state = TRUE AND d.user_id IS NOT NULL"),
	/*
	 * The row source of the board's next codes and of SPEC 14's risk counts, in one statement.
	 * One window over the waiting tickets of open and paused queues in each queue's call order
	 * (queue_order.h), keeping the first ? of each queue and every one with an SLA: ('w',
	 * queue_id, rank, code for the first ? only, deadline ms or NULL). One row ('n', NULL, NULL,
	 * NULL, now ms). Then the forecast inputs of every queue: ('s', queue_id, NULL, NULL,
	 * seconds) for its last 20 services of the day (?), ('d', queue_id, desks with someone
	 * signed in). Rows in no particular order. The codes come from primary-key look-ups of
	 * the few ranks shown: carried through the window's sort they cost more (measured).
	 */
	S(STMT_FORECAST_WAITING_RANKS,
	  "SELECT 'w', r.queue_id, r.rnk, c.code, r.deadline FROM (SELECT t.queue_id, t.id, t.sla_deadline,"
	  " ROW_NUMBER() OVER (PARTITION BY t.queue_id ORDER BY " QO_ORDER_BY_POLICY("q.policy", "t") ") AS rnk,"
	  " " MS("t.sla_deadline") " AS deadline"
	  " FROM tickets t JOIN queues q ON q.id = t.queue_id WHERE t.status = 'waiting' AND q.state IN ('open', 'paused')) r"
	  " LEFT JOIN tickets c ON c.id = r.id AND r.rnk <= ? WHERE r.rnk <= ? OR r.sla_deadline IS NOT NULL"
	  " UNION ALL SELECT 'n', NULL, NULL, NULL, " MS("UTC_TIMESTAMP(3)")
	  " UNION ALL SELECT 's', x.queue_id, NULL, NULL, x.s FROM (SELECT t.queue_id,"
	  " TIMESTAMPDIFF(MICROSECOND, t.called_date, t.served_date) / 1000000 AS s,"
	  " ROW_NUMBER() OVER (PARTITION BY t.queue_id ORDER BY t.served_date DESC) AS n"
	  " FROM tickets t WHERE t.service_date = ? AND t.status = 'served') x WHERE x.n <= 20"
	  " UNION ALL SELECT 'd', d.queue_id, COUNT(*), NULL, NULL FROM desks d"
	  " WHERE d.state = TRUE AND d.user_id IS NOT NULL GROUP BY d.queue_id"),
	/* A call out of order (POST /tickets/{id}/call) is marked so, for the fairness report. */
	S(STMT_EVENT_INSERT_CALLED_MANUAL,
	  "INSERT INTO ticket_events (ticket_id, event, from_queue_id, to_queue_id, user_id, desk_id, out_of_order, at)"
	  " VALUES (?, 'called', ?, ?, ?, ?, TRUE, UTC_TIMESTAMP(3))"),
	/*
	 * Quoted against real waits of the tickets called, per queue that issued (and quoted) them:
	 * real = due_date -> called_date, never below 0; bias = quoted - real (positive: quotes too
	 * long); within range = real inside [low, high], out of the tickets quoted with a range.
	 */
	S(STMT_REPORT_ESTIMATES,
	  "SELECT g.k, q.name, COUNT(*), ROUND(AVG(ABS(g.quoted - g.w)), 3), ROUND(AVG(g.quoted - g.w), 3),"
	  " ROUND(100 * SUM(g.low IS NOT NULL AND g.w BETWEEN g.low AND g.high) / NULLIF(SUM(g.low IS NOT NULL), 0), 2)"
	  " FROM (SELECT t.issued_queue_id AS k, t.quoted_wait_seconds AS quoted, t.quoted_wait_low AS low,"
	  " t.quoted_wait_high AS high, GREATEST(0, TIMESTAMPDIFF(MICROSECOND, t.due_date, t.called_date)) / 1000000 AS w"
	  " FROM tickets t WHERE t.service_date BETWEEN ? AND ? AND t.called_date IS NOT NULL) g"
	  " JOIN queues q ON q.id = g.k GROUP BY g.k, q.name ORDER BY q.name, g.k"),
	/*
	 * Every ticket of the range that was ever called, with its first call (time, whether out
	 * of order) and how it reached that call (stolen, or transferred by hand or by a closing
	 * queue, before it); grouped by issuing queue and day, in call order. The fairness report
	 * (service/explain.c) counts the overtakings from these rows.
	 */
	S(STMT_REPORT_FAIRNESS_ROWS,
	  "SELECT t.issued_queue_id, t.priority_id, t.service_date, " MS("t.created_date") ", " MS("t.due_date") ","
	  " t.priority_level, t.sla_deadline IS NOT NULL, " MS("t.sla_deadline") ", " MS("c.at") ","
	  " c.out_of_order,"
	  " EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.seq < c.seq AND e.event = 'transferred'"
	  "  AND e.reason = 'rebalance'),"
	  " EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.seq < c.seq AND e.event = 'transferred'"
	  "  AND e.reason IN ('manual', 'queue_closed'))"
	  " FROM tickets t JOIN ticket_events c ON c.ticket_id = t.id AND c.seq ="
	  "  (SELECT MIN(f.seq) FROM ticket_events f WHERE f.ticket_id = t.id AND f.event = 'called')"
	  " WHERE t.service_date BETWEEN ? AND ? ORDER BY t.issued_queue_id, t.service_date, c.seq"),
	/* turneroctl simulate: the queues and priorities its options name, and the called tickets of the days. */
	S(STMT_SIM_QUEUES, "SELECT q.id, q.name, q.prefix, q.policy FROM queues q ORDER BY q.created_seq"),
	S(STMT_SIM_PRIORITIES, "SELECT p.id, p.name, p.max_wait_minutes FROM priorities p ORDER BY p.level, p.name"),
	S(STMT_SIM_TICKETS,
	  "SELECT t.queue_id, t.service_date, t.id, " MS("t.created_date") ", " MS("t.due_date") ", t.priority_level,"
	  " t.priority_id, " MS("t.called_date") ", t.status = 'served', " MS("t.served_date") ","
	  " COALESCE(t.desk_id, t.called_by, '')"
	  " FROM tickets t WHERE t.service_date BETWEEN ? AND ? AND t.called_date IS NOT NULL"
	  " ORDER BY t.queue_id, t.service_date, t.created_date, t.id"),
#undef MS
};

const char *stmt_sql(enum stmt_id id)
{
	return (unsigned)id < STMT__MAX ? stmts[id].sql : "";
}

const char *stmt_name(enum stmt_id id)
{
	return (unsigned)id < STMT__MAX ? stmts[id].name : "STMT_?";
}
