//! Spreading independent work over the machine's cores, keeping the order of the results.

/// Drop `value` on a thread of its own, so that the caller does not wait while a large value
/// (a loaded graph) is freed; if no thread can be started, it is dropped here.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Below this many items, [`map_in_parallel`] stays on the calling thread.
const PARALLEL_ITEMS: usize = 64;

/// `f` over `items`, in order, on up to `available_parallelism` threads when there are many.
pub(crate) fn map_in_parallel<T: Send, R: Send>(
    items: Vec<T>,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    use std::sync::{Mutex, PoisonError};
    let threads = std::thread::available_parallelism()
        .map(std::num::NonZero::get)
        .unwrap_or(1)
        .min(items.len() / (PARALLEL_ITEMS / 2))
        .max(1);
    if threads < 2 {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let mut it = items.into_iter();
    let mut slots: Vec<Mutex<Option<Vec<T>>>> = Vec::with_capacity(threads);
    loop {
        let chunk: Vec<T> = it.by_ref().take(per).collect();
        if chunk.is_empty() {
            break;
        }
        slots.push(Mutex::new(Some(chunk)));
    }
    let take = |slot: &Mutex<Option<Vec<T>>>| {
        slot.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .unwrap_or_default()
    };
    let work = |slot: &Mutex<Option<Vec<T>>>| take(slot).into_iter().map(&f).collect::<Vec<R>>();
    std::thread::scope(|scope| {
        let handles: Vec<_> = slots
            .iter()
            .skip(1)
            .map(|slot| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, || work(slot))
                    .ok()
            })
            .collect();
        let mut out = slots.first().map(&work).unwrap_or_default();
        for (h, slot) in handles.into_iter().zip(slots.iter().skip(1)) {
            match h.map(std::thread::ScopedJoinHandle::join) {
                Some(Ok(part)) => out.extend(part),
                // Only a bug makes a worker panic: pass the panic on.
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                // No thread could be started: do that chunk here.
                None => out.extend(work(slot)),
            }
        }
        out
    })
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
