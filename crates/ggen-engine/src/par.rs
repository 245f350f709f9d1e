//! Spreading independent work over the machine's cores, keeping the order of the results.

/// Below this many items, [`map_in_parallel`] stays on the calling thread.
const PARALLEL_ITEMS: usize = 64;

/// Items a thread takes at a time.
const GRAIN: usize = 8;

/// `f` over `items`, in order, on all cores when there are many ([`ggen_core::par::map`]:
/// the calling thread takes over what other threads have not started).
pub(crate) fn map_in_parallel<T: Send, R: Send>(
    items: Vec<T>,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let threads = if items.len() < PARALLEL_ITEMS {
        1
    } else {
        ggen_core::par::available_threads()
    };
    ggen_core::par::map(items, GRAIN, threads, f)
}

#[cfg(test)]
mod tests {
    use super::map_in_parallel;

    #[test]
    fn order_is_kept() {
        for n in [0, 1, 63, 64, 65, 1000, 1001] {
            let v: Vec<usize> = (0..n).collect();
            let out = map_in_parallel(v, |x| x * 2);
            assert_eq!(out, (0..n).map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
