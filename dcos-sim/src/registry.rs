//! [`Registry`]: the Docker images pushed by simulated builds, shared by
//! the simulated services. Jenkins records what a build pushes (`docker
//! push <image>`); Marathon can check that an app's image exists before it
//! deploys it.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// The set of images pushed to the simulated Docker registry. Cheap to
/// clone; clones share the set.
///
/// Names are compared after [`normalize`](Registry::normalize): a name
/// without a tag or digest means `:latest`, so `nginx` and `nginx:latest`
/// are the same image. Nothing else is rewritten (`docker.io/library/nginx`
/// and `nginx` stay different names).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    images: Arc<Mutex<BTreeSet<String>>>,
}

impl Registry {
    /// `image` with `:latest` added when it has neither a tag nor a digest.
    pub fn normalize(image: &str) -> String {
        let image = image.trim();
        let last = image.rsplit('/').next().unwrap_or(image);
        if last.contains(':') || last.contains('@') {
            image.to_owned()
        } else {
            format!("{image}:latest")
        }
    }

    /// Records a pushed image; false if it was already there.
    pub fn push(&self, image: &str) -> bool {
        self.lock().insert(Self::normalize(image))
    }

    /// Whether `image` has been pushed.
    pub fn contains(&self, image: &str) -> bool {
        self.lock().contains(&Self::normalize(image))
    }

    /// Every pushed image, normalized, sorted.
    pub fn images(&self) -> Vec<String> {
        self.lock().iter().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        self.images.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_without_a_tag_mean_latest() {
        let r = Registry::default();
        assert!(r.push("registry.example.com:5000/team/app"));
        assert!(r.contains("registry.example.com:5000/team/app:latest"));
        assert!(!r.push("registry.example.com:5000/team/app:latest"));
        assert!(r.push("app@sha256:abc"));
        assert!(!r.contains("app"));
        assert_eq!(
            r.images(),
            vec![
                "app@sha256:abc",
                "registry.example.com:5000/team/app:latest"
            ]
        );
    }
}
