/* One datagram to turnero-relay's wake socket: "something was committed, look now". */
#ifndef TURNERO_WAKE_H
#define TURNERO_WAKE_H

/*
 * Sends a one-byte datagram to the unix socket at path without ever blocking; any failure
 * (no relay, full buffer) is ignored, since the relay also looks every second.
 */
void wake_send(const char *path);

/*
 * Binds a non-blocking datagram socket at path (replacing a stale one) for the relay.
 * Returns the descriptor, or -1 with errno set.
 */
int wake_listen(const char *path);

/* Reads and discards every pending datagram on fd. */
void wake_drain(int fd);

#endif
