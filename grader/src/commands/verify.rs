//! `verify`: the instructor's proof that every kata is sound, printed as a
//! table or JSON (CI reads the JSON; it is alone on stdout).

use std::path::Path;

use anyhow::Result;

use crate::cli::TextOrJson;
use crate::course::discover::Repo;
use crate::pipeline::RunOptions;
use crate::ui::{self, Progress};

pub fn run(
    repo: &Repo,
    names: &[String],
    solutions_root: &Path,
    options: &RunOptions,
    what: &crate::dev::verify::Options,
    format: TextOrJson,
) -> Result<i32> {
    use crate::dev::verify::{self, render};
    // A kata an assignment names must exist: cheap, so before the long part.
    if let Err(e) = crate::course::assignments::check(repo) {
        anstream::eprintln!("{}error:{} {e:#}", ui::RED, ui::RED.render_reset());
        return Ok(1);
    }
    let progress = Progress::new(ui::progress_wanted());
    let (problems, katas) = super::select(repo, names)?;
    let checks = verify::verify(repo, &katas, solutions_root, options, what, &progress)?;
    let ok = render::all_sound(&checks) && problems.is_empty();
    match format {
        TextOrJson::Json => ui::println(&render::json(&checks))?,
        TextOrJson::Human => ui::print(&render::human(&checks, !names.is_empty()))?,
    }
    for problem in &problems {
        let style = ui::RED;
        let text = format!(
            "\n{style}{}{style:#} cannot be checked\n  - {}",
            problem.id, problem.message
        );
        // stdout holds the JSON document alone.
        match format {
            TextOrJson::Json => anstream::eprintln!("{text}"),
            TextOrJson::Human => ui::println(&text)?,
        }
    }
    Ok(if ok { 0 } else { 1 })
}
