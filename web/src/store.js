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
	const seen = s.get();
	useEffect(() => {
		const unsubscribe = s.subscribe(() => force((n) => n + 1));
		// A change between this render and the subscription (an answer that came first,
		// such as an instant 503 while the page starts) would otherwise never be shown.
		if (s.get() !== seen) force((n) => n + 1);
		return unsubscribe;
	}, [s]);
	return seen;
}
