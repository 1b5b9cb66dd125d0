//! The queue item id of a build trigger, from its `Location` header.

/// Reads `N` from a `Location` such as `http://host/jenkins/queue/item/N/`
/// or `/queue/item/N/`. Only the path counts: behind a proxy the scheme and
/// host are often wrong. `None` when the path names no queue item (Jenkins
/// then redirected to the job page: no item was created).
pub fn queue_id_from_location(location: &str) -> Option<u64> {
    let path = match location.find("://") {
        Some(i) => {
            let after = &location[i + 3..];
            after.find('/').map_or("", |j| &after[j..])
        }
        None => location,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    segments
        .windows(3)
        .rev()
        .find(|w| w[0] == "queue" && w[1] == "item")
        .and_then(|w| w[2].parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_id_from_the_path_only() {
        assert_eq!(
            queue_id_from_location(
                "http://jenkins.marathon.mesos:10000/service/jenkins/queue/item/143/"
            ),
            Some(143)
        );
        assert_eq!(queue_id_from_location("/queue/item/7/"), Some(7));
        assert_eq!(queue_id_from_location("https://h/queue/item/9"), Some(9));
        assert_eq!(
            queue_id_from_location("https://h/queue/item/9/?x=1"),
            Some(9)
        );
        assert_eq!(queue_id_from_location("http://h/job/x/"), None);
        assert_eq!(queue_id_from_location("http://h/queue/item/abc/"), None);
        assert_eq!(queue_id_from_location("http://queue/item/3/"), None);
        assert_eq!(queue_id_from_location(""), None);
    }
}
