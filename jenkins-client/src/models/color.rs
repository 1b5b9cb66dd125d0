//! [`BallColor`]: a job's status ball.

dcos_auth::string_enum! {
    /// A job's `color`: the result of its last build, with `_anime` while a
    /// build runs. Values a newer server invents are kept as `Unknown`.
    pub enum BallColor {
        /// The last build succeeded.
        Blue = "blue",
        /// Running; the last build succeeded.
        BlueAnime = "blue_anime",
        /// The last build was unstable.
        Yellow = "yellow",
        /// Running; the last build was unstable.
        YellowAnime = "yellow_anime",
        /// The last build failed.
        Red = "red",
        /// Running; the last build failed.
        RedAnime = "red_anime",
        /// Pending, or no result to show.
        Grey = "grey",
        /// Running; pending before.
        GreyAnime = "grey_anime",
        /// The job is disabled.
        Disabled = "disabled",
        /// Running while disabled.
        DisabledAnime = "disabled_anime",
        /// The last build was aborted.
        Aborted = "aborted",
        /// Running; the last build was aborted.
        AbortedAnime = "aborted_anime",
        /// Never built.
        NotBuilt = "notbuilt",
        /// Running its first build.
        NotBuiltAnime = "notbuilt_anime",
    }
}

impl BallColor {
    /// Whether a build is running (`…_anime`).
    pub fn is_building(&self) -> bool {
        self.as_str().ends_with("_anime")
    }

    /// Whether the job is disabled.
    pub fn is_disabled(&self) -> bool {
        matches!(self, BallColor::Disabled | BallColor::DisabledAnime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_keep_unknown_values_and_tell_running() {
        let c: BallColor = serde_json::from_str("\"blue_anime\"").unwrap();
        assert_eq!(c, BallColor::BlueAnime);
        assert!(c.is_building());
        assert!(!BallColor::Red.is_building());
        assert!(BallColor::Disabled.is_disabled());
        let c: BallColor = serde_json::from_str("\"purple_anime\"").unwrap();
        assert_eq!(c, BallColor::Unknown("purple_anime".into()));
        assert!(c.is_building());
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"purple_anime\"");
    }
}
