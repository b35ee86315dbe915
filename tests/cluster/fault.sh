#!/usr/bin/env bash
# tests/cluster/fault.sh DIR ACTION: breaks or mends the cluster test bed that
# tests/cluster/run.sh built in DIR; the driver (cl_failover) calls it.
#
#   kill-writer   SIGKILL to the node the workers write through
#   stop-writer   SIGSTOP to it (it stays paused until "heal")
#   kill-reader   SIGKILL to a node the workers do not write through
#   kill-host     SIGKILL to turnero host a (master and workers)
#   kill-all      SIGKILL to all three nodes at once
#   heal          mends the last fault the documented way (README, "More than one
#                 machine"), then waits until all three nodes are Synced in one primary
#                 component and both turnero hosts run
#   check         the checks of every node (lib.sh check_node) against DIR/acked.txt
#                 and DIR/called.txt
#
# The last fault is kept in DIR/fault.state. Exit status 0 on success.
set -u -o pipefail
dir=${1:?usage: fault.sh DIR ACTION}
action=${2:?usage: fault.sh DIR ACTION}
# shellcheck source=/dev/null
. "$dir/cluster.env" || exit 1
# shellcheck source=scripts/lib/stack.sh
. "$SRC/scripts/lib/stack.sh"
# shellcheck source=tests/cluster/lib.sh
. "$SRC/tests/cluster/lib.sh"

signal_node() {
	local sig=$1 k=$2 pid
	pid=$(node_pid "$k")
	node_alive "$k" || { cl_log "node n$k is not running"; return 1; }
	kill "-$sig" "$pid" || return 1
	cl_log "SIG$sig to node n$k (pid $pid)"
}

# After SIGKILL the process is gone for good; wait for it (bounded) so the heal sees a dead
# node. A zombie counts as dead: it holds no socket and no file any more, and its parent
# (run.sh, or init for one fault.sh restarted) reaps it when it gets to it.
# shellcheck disable=SC2317 # called through stack_wait
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]; }
wait_dead() {
	local pid=$1
	stack_wait 30 gone "$pid" || { cl_log "pid $pid survived SIGKILL"; return 1; }
}

# After all nodes crashed: every grastate.dat says safe_to_bootstrap: 0. Recover each
# node's position, bootstrap the most advanced one, then start the others.
bootstrap_after_crash() {
	local k pos seqno best="" best_seqno=-2
	local -A positions
	for k in 1 2 3; do
		pos=$(node_recover "$k") || return 1
		positions[$k]=$pos
		seqno=${pos##*:}
		cl_log "n$k: recovered seqno $seqno; grastate.dat says $(grep -h '^safe_to_bootstrap' "$dir/n$k/data/grastate.dat")"
		if [ "$seqno" -gt "$best_seqno" ]; then
			best_seqno=$seqno
			best=$k
		fi
	done
	cl_log "bootstrapping from n$best (seqno $best_seqno, the most advanced)"
	sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$dir/n$best/data/grastate.dat" || return 1
	node_start "$best" --wsrep-new-cluster "${positions[$best]}" || return 1
	for k in 1 2 3; do
		[ "$k" = "$best" ] && continue
		node_start "$k" "${positions[$k]}" || return 1
	done
}

case $action in
kill-writer | stop-writer)
	w=$(writer_node) || { cl_log "no node holds turnero connections"; exit 1; }
	if [ "$action" = kill-writer ]; then
		pid=$(node_pid "$w")
		signal_node KILL "$w" && wait_dead "$pid" || exit 1
		echo "killed $w" >"$dir/fault.state"
	else
		signal_node STOP "$w" || exit 1
		echo "stopped $w" >"$dir/fault.state"
	fi
	;;
kill-reader)
	w=$(writer_node) || { cl_log "no node holds turnero connections"; exit 1; }
	r=$(reader_node "$w") || { cl_log "no running node besides the writer n$w"; exit 1; }
	cl_log "the writer is n$w; killing n$r (it holds $(node_conns "$r") turnero connections)"
	pid=$(node_pid "$r")
	signal_node KILL "$r" && wait_dead "$pid" || exit 1
	echo "killed $r" >"$dir/fault.state"
	;;
kill-host)
	host_kill a || exit 1
	echo "host a" >"$dir/fault.state"
	;;
kill-all)
	pids=""
	for k in 1 2 3; do
		node_alive "$k" || { cl_log "node n$k is not running"; exit 1; }
		pids="$pids $(node_pid "$k")"
	done
	# One kill(1) for all three: the nodes die as close together as a power cut allows.
	# shellcheck disable=SC2086
	kill -KILL $pids || exit 1
	cl_log "SIGKILL to all three nodes (pids$pids)"
	for pid in $pids; do wait_dead "$pid" || exit 1; done
	echo "all" >"$dir/fault.state"
	;;
heal)
	read -r what which <"$dir/fault.state" || { cl_log "no fault to heal"; exit 1; }
	case $what in
	killed) node_restart_crashed "$which" || exit 1 ;;
	stopped)
		signal_node CONT "$which" || exit 1
		# Evicted while it was paused, it finds itself outside the primary component
		# and rejoins by itself (incremental state transfer).
		stack_wait 120 node_whole "$which" ||
			{ tail -n 30 "$dir/n$which/error.log" >&2; cl_log "n$which did not rejoin within 120 s"; exit 1; }
		cl_log "node n$which rejoined: $(node_state "$which")"
		;;
	host) host_start "$which" || exit 1 ;;
	all) bootstrap_after_crash || exit 1 ;;
	*) cl_log "unknown fault state '$what'"; exit 1 ;;
	esac
	rm -f "$dir/fault.state"
	bed_wait_whole 120 || exit 1
	;;
check) check_all_nodes || exit 1 ;;
*)
	cl_log "unknown action $action"
	exit 2
	;;
esac
exit 0
