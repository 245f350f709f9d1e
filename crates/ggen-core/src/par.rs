//! Spreading work over the machine's cores without ever waiting for a core.
//!
//! The calling thread always works too, and takes whatever the helper threads have not
//! started yet: when a helper starts late (a busy or sleeping core, as on a shared virtual
//! machine) or cannot be started at all, the work is simply done here, so a parallel run is
//! never much slower than a one-thread run. Results keep the order of the inputs.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// How many threads the machine offers (1 when unknown).
pub fn available_threads() -> usize {
    std::thread::available_parallelism()
        .map(std::num::NonZero::get)
        .unwrap_or(1)
}

/// Drop `value` on a thread of its own, so that the caller does not wait while a large value
/// (a loaded graph, a parse) is freed; if no thread can be started, it is dropped here.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

fn take<T>(slot: &Mutex<Option<T>>) -> Option<T> {
    slot.lock().unwrap_or_else(PoisonError::into_inner).take()
}

/// `f` over `items`, in order, on up to `threads` threads (the calling one included) that
/// take batches of `grain` items as they become free.
///
/// A panic in `f` is passed on to the caller.
pub fn map<T: Send, R: Send>(
    items: Vec<T>,
    grain: usize,
    threads: usize,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let grain = grain.max(1);
    let batches = items.len().div_ceil(grain);
    let helpers = threads.min(batches).saturating_sub(1);
    if helpers == 0 {
        return items.into_iter().map(f).collect();
    }
    let mut it = items.into_iter();
    let slots: Vec<Mutex<Option<Vec<T>>>> = (0..batches)
        .map(|_| Mutex::new(Some(it.by_ref().take(grain).collect())))
        .collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = slots.get(i) else { break };
            if let Some(batch) = take(slot) {
                done.push((i, batch.into_iter().map(&f).collect()));
            }
        }
        done
    };
    let mut parts = std::thread::scope(|scope| {
        // A helper that cannot be started is no loss: the loop below takes its share.
        let handles: Vec<_> = (0..helpers)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut parts = work();
        for h in handles {
            match h.join() {
                Ok(p) => parts.extend(p),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        parts
    });
    parts.sort_unstable_by_key(|(i, _)| *i);
    parts.into_iter().flat_map(|(_, r)| r).collect()
}

/// Run `a` here and `b` on a second thread, or here after `a` when the second thread has not
/// started `b` by then (or could not be started). A panic in either is passed on.
pub fn join<RA, RB: Send>(a: impl FnOnce() -> RA, b: impl FnOnce() -> RB + Send) -> (RA, RB) {
    let slot = Mutex::new(Some(b));
    std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .spawn_scoped(scope, || take(&slot).map(|b| b()))
            .ok();
        let ra = a();
        let rb = match take(&slot) {
            // Not started elsewhere: do it here (the helper finds the slot empty and stops).
            Some(b) => b(),
            None => match helper.map(std::thread::ScopedJoinHandle::join) {
                Some(Ok(Some(rb))) => rb,
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                // The slot was taken by the helper, which therefore returned `Some` or panicked.
                Some(Ok(None)) | None => unreachable_taken(),
            },
        };
        (ra, rb)
    })
}

#[cold]
fn unreachable_taken() -> ! {
    // `b` left the slot only into the helper, whose result is `Some` unless it panicked (handled
    // above); reaching this would be a bug in `join`.
    std::panic::resume_unwind(Box::new("ggen_core::par::join lost its second result"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn map_keeps_the_order() {
        for threads in [1, 2, 3, 8] {
            for grain in [1, 3, 64] {
                for n in [0, 1, 5, 64, 1001] {
                    let v: Vec<usize> = (0..n).collect();
                    let out = map(v, grain, threads, |x| x * 2);
                    assert_eq!(out, (0..n).map(|x| x * 2).collect::<Vec<_>>());
                }
            }
        }
    }

    #[test]
    fn map_runs_every_item_once_on_several_threads() {
        use std::collections::HashSet;
        let seen = Mutex::new(Vec::new());
        let threads_used = Mutex::new(HashSet::new());
        map((0..400).collect::<Vec<usize>>(), 1, 2, |x| {
            seen.lock().unwrap().push(x);
            threads_used
                .lock()
                .unwrap()
                .insert(std::thread::current().id());
            std::thread::sleep(std::time::Duration::from_micros(50));
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort_unstable();
        assert_eq!(seen, (0..400).collect::<Vec<_>>());
        assert!(threads_used.into_inner().unwrap().len() <= 2);
    }

    #[test]
    fn map_passes_a_panic_on() {
        let r = std::panic::catch_unwind(|| {
            map((0..100).collect::<Vec<i32>>(), 1, 2, |x| {
                if x == 77 {
                    panic!("boom");
                }
                x
            })
        });
        assert!(r.is_err());
    }

    #[test]
    fn join_returns_both_results_whoever_runs_b() {
        for _ in 0..50 {
            let (a, b) = join(|| 1 + 1, || "b".to_owned());
            assert_eq!((a, b.as_str()), (2, "b"));
            // `a` slow: the helper most likely runs `b`; `a` instant: most likely this thread.
            let (a, b) = join(
                || {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    3
                },
                || 4,
            );
            assert_eq!((a, b), (3, 4));
        }
    }

    #[test]
    fn join_passes_a_panic_in_b_on() {
        let r = std::panic::catch_unwind(|| {
            join(
                || std::thread::sleep(std::time::Duration::from_millis(5)),
                || panic!("boom"),
            )
        });
        assert!(r.is_err());
    }
}
