// @ts-check
// The calls a board shows, from GET /board (typed from openapi.yaml: a renamed field
// fails the type check).

/** @typedef {import('./api-types').Schemas['Board']} Board */
/** @typedef {Board['queues'][number]} BoardQueue */
/** @typedef {{key: string, code: string, place: string, queue: string}} Call */

/**
 * The queue's ticket called without a desk, when there is one: shown beside the desks.
 * It is the board's serving_without_desk, which stays while desks call later tickets
 * (the queue's serving is only its latest call).
 * @param {BoardQueue} q
 */
export function looseCall(q) {
	return q.serving_without_desk || null;
}

/**
 * Every (place, ticket, called_date) on a board: the calls it shows. The place is the
 * desk, or the queue for a call without a desk.
 * @param {Board} board
 * @returns {Call[]}
 */
export function callsOf(board) {
	/** @type {Call[]} */
	const calls = [];
	for (const q of board.queues || []) {
		for (const d of q.desks || []) {
			if (d.serving) calls.push({ key: `${d.serving.ticket_id}@${d.serving.called_date}`, code: d.serving.code, place: d.name, queue: q.name });
		}
		const loose = looseCall(q);
		if (loose) calls.push({ key: `${loose.ticket_id}@${loose.called_date}`, code: loose.code, place: q.name, queue: q.name });
	}
	return calls;
}
