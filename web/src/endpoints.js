// @ts-check
// The API calls of the office's pages (kiosk, counter, board, ticket, booking, reports),
// each by its route in openapi.yaml: request() types the parameters, the body and the
// answer from the generated types, so tsc (web/typecheck.mjs, part of the build) fails
// when openapi.yaml and these calls part ways.
import { request } from './api.js';

/** @typedef {import('./api-types').Schemas} Schemas */

// Reference data.
/** @param {import('./api-types').Options<'/priorities', 'get'>['query']} [query] */
export const listPriorities = (query) => request('get', '/priorities', { query });
/** @param {import('./api-types').Options<'/queues', 'get'>['query']} [query] */
export const listQueues = (query) => request('get', '/queues', { query });

// The board.
export const getBoard = () => request('get', '/board');

// Counter: desks and calls.
/** @param {string} queueId */
export const listDesks = (queueId) => request('get', '/desks', { query: { queue_id: queueId, state: true, limit: 500 } });
/** @param {string} id */
export const openDesk = (id) => request('post', '/desks/{id}/open', { path: { id } });
/** @param {string} id */
export const closeDesk = (id) => request('post', '/desks/{id}/close', { path: { id } });
/** @param {string} id */
export const callNextAtDesk = (id) => request('post', '/desks/{id}/call-next', { path: { id } });
/** @param {string} id */
export const callNextAtQueue = (id) => request('post', '/queues/{id}/call-next', { path: { id } });
/** The waiting tickets in the order call-next takes them, with the reasons. @param {string} id */
export const queueOrder = (id) => request('get', '/queues/{id}/order', { path: { id } });
/** @param {import('./api-types').Options<'/tickets', 'get'>['query']} query */
export const listTickets = (query) => request('get', '/tickets', { query });

/** The operations on a called ticket, by the name the counter gives them. */
const TICKET_OPS = {
	serve: /** @param {string} id */ (id) => request('post', '/tickets/{id}/serve', { path: { id } }),
	'no-show': /** @param {string} id */ (id) => request('post', '/tickets/{id}/no-show', { path: { id } }),
	recall: /** @param {string} id */ (id) => request('post', '/tickets/{id}/recall', { path: { id } }),
	requeue: /** @param {string} id */ (id) => request('post', '/tickets/{id}/requeue', { path: { id } }),
};
/**
 * @param {keyof typeof TICKET_OPS} op
 * @param {string} id
 * @returns {Promise<Schemas['Ticket']>}
 */
export const ticketOp = (op, id) => TICKET_OPS[op](id);
/**
 * @param {string} id
 * @param {string} queueId
 */
export const transferTicket = (id, queueId) => request('post', '/tickets/{id}/transfer', { path: { id }, body: { queue_id: queueId } });
/**
 * Calls one waiting ticket out of order (at the queue or the desk named).
 * @param {string} id
 * @param {Schemas['TicketCall']} at
 */
export const callTicket = (id, at) => request('post', '/tickets/{id}/call', { path: { id }, body: at });

// Kiosk: people, tickets, appointments.
/** @param {import('./api-types').Options<'/customers', 'get'>['query']} query */
export const findCustomers = (query) => request('get', '/customers', { query });
/**
 * @param {Schemas['TicketCreate']} body
 * @param {string} idempotencyKey
 */
export const issueTicket = (body, idempotencyKey) => request('post', '/tickets', { body, headers: { 'Idempotency-Key': idempotencyKey } });
/** @param {import('./api-types').Options<'/appointments', 'get'>['query']} query */
export const listAppointments = (query) => request('get', '/appointments', { query });
/** @param {string} id */
export const checkIn = (id) => request('post', '/appointments/{id}/check-in', { path: { id } });

// The customer's phone and public booking (no token).
/** @param {string} id */
export const publicTicket = (id) => request('get', '/public/tickets/{id}', { path: { id }, public: true });
export const publicQueues = () => request('get', '/public/queues', { public: true });
/**
 * @param {string} id
 * @param {string} from YYYY-MM-DD
 * @param {string} to YYYY-MM-DD
 */
export const availability = (id, from, to) => request('get', '/public/queues/{id}/availability', { path: { id }, query: { from, to }, public: true });
/** @param {import('./api-types').RequestBody<import('./api-types').Op<'/public/appointments', 'post'>>} body */
export const book = (body) => request('post', '/public/appointments', { body, public: true });
/** @param {string} id */
export const publicAppointment = (id) => request('get', '/public/appointments/{id}', { path: { id }, public: true });
/** @param {string} id */
export const cancelPublicAppointment = (id) => request('post', '/public/appointments/{id}/cancel', { path: { id }, public: true });

// Reports.
/**
 * @param {'queues' | 'attendants' | 'priorities' | 'desks'} key
 * @param {string} from
 * @param {string} to
 */
export function report(key, from, to) {
	const query = { from, to };
	switch (key) {
	case 'queues': return request('get', '/reports/queues', { query });
	case 'attendants': return request('get', '/reports/attendants', { query });
	case 'priorities': return request('get', '/reports/priorities', { query });
	default: return request('get', '/reports/desks', { query });
	}
}
/**
 * @param {string} from
 * @param {string} to
 */
export const appointmentsReport = (from, to) => request('get', '/reports/appointments', { query: { from, to } });
