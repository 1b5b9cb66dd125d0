//! [`Registry`]: the Docker images the simulated builds pushed, shared by
//! Jenkins (which records pushes) and Marathon (which can refuse to run an
//! image nobody pushed).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The simulated image registry: a set of image references (`repo:tag`,
/// compared as written). Cheap to clone; clones share the set.
///
/// When [`require_pushed`](Self::set_require_pushed) is on, a Marathon
/// instance whose `container.docker.image` was never [`push`](Self::push)ed
/// fails at launch with `TASK_FAILED` and the message `image not found:
/// <image>`. Off by default, so apps with any image run.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    images: Mutex<BTreeSet<String>>,
    require_pushed: AtomicBool,
}

impl Registry {
    /// Records that `image` was pushed (a build's `docker push`).
    pub fn push(&self, image: impl Into<String>) {
        self.lock().insert(image.into());
    }

    /// Whether `image` was pushed.
    pub fn contains(&self, image: &str) -> bool {
        self.lock().contains(image)
    }

    /// Every pushed image, sorted.
    pub fn images(&self) -> Vec<String> {
        self.lock().iter().cloned().collect()
    }

    /// Turns the check on or off: when on, Marathon runs only pushed images.
    pub fn set_require_pushed(&self, required: bool) {
        self.inner.require_pushed.store(required, Ordering::SeqCst);
    }

    /// Whether Marathon runs only pushed images.
    pub fn require_pushed(&self) -> bool {
        self.inner.require_pushed.load(Ordering::SeqCst)
    }

    /// Whether an instance running `image` may launch: always when the
    /// check is off, else only a pushed image.
    pub fn allows(&self, image: &str) -> bool {
        !self.require_pushed() || self.contains(image)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        self.inner.images.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_images_are_allowed_when_required() {
        let registry = Registry::default();
        assert!(registry.allows("repo/app:1"));
        registry.set_require_pushed(true);
        assert!(!registry.allows("repo/app:1"));
        registry.clone().push("repo/app:1");
        assert!(registry.allows("repo/app:1"));
        assert_eq!(registry.images(), vec!["repo/app:1".to_owned()]);
    }
}
