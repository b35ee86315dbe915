// A tiny observable value and the hook that re-renders a component when it changes.
import { useEffect, useState } from 'preact/hooks';

export function store(initial) {
	let value = initial;
	const subs = new Set();
	return {
		get: () => value,
		set(v) {
			value = v;
			for (const fn of [...subs]) fn(v);
		},
		subscribe(fn) {
			subs.add(fn);
			return () => subs.delete(fn);
		},
	};
}

export function useStore(s) {
	const [, force] = useState(0);
	useEffect(() => s.subscribe(() => force((n) => n + 1)), [s]);
	return s.get();
}
