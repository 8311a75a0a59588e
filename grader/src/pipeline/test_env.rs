//! Refusing set-ups that could make a failing check pass.
//!
//! insta reads an `insta.yaml` (or `.config/insta.yaml`) that can tell it to
//! accept every snapshot (`force_pass`) or to overwrite them. The grader pins
//! insta's environment variables itself; a configuration file would undo
//! that, so its presence stops the run with an explanation.

use anyhow::Result;

use crate::course::discover::Repo;
use crate::app::UsageError;

pub fn refuse_insta_overrides(repo: &Repo) -> Result<()> {
    let mut places = vec![repo.root.clone()];
    places.extend(repo.katas.iter().map(|k| k.dir.clone()));
    for place in places {
        for candidate in [
            place.join("insta.yaml"),
            place.join(".config").join("insta.yaml"),
        ] {
            if candidate.exists() {
                return Err(UsageError(format!(
                    "found {}: insta configuration can make snapshot checks pass without \
                     comparing anything (force_pass, update), so the grader will not run with it.\n\
                     Delete it and grade again: rm {}",
                    candidate.display(),
                    candidate.display()
                ))
                .into());
            }
        }
    }
    Ok(())
}
