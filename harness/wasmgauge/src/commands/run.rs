//! `wasmgauge run`: the generic runner over the scenario registry ([`crate::run`]), or with
//! `--module` a user's module: one export on every engine ([`crate::bring_your_own`]) or a WASI
//! command ([`crate::wasi_command`]); with `--component` a user's component: one function
//! ([`crate::bring_your_component`]) or a `wasi:cli/run` command ([`crate::wasi_command`]).
use crate::args::RunArgs;
use crate::exit::Exit;
use crate::subjects::Subjects;
use anyhow::Result;

/// One `run` command.
pub fn main(args: RunArgs, subjects: &Subjects) -> Result<Exit> {
    if let (Some(module), true) = (args.module.as_ref().or(args.component.as_ref()), args.wasi) {
        let settings = (&args).into();
        let summary = crate::wasi_command::run(
            &crate::wasi_command::WasiCommandRequest {
                module: module.clone(),
                component: args.component.is_some(),
                command: args.command.spec(),
                runs: args.runs,
                settings,
            },
            subjects,
        )?;
        crate::print::print_wasi_command(&summary);
        let ok = summary.disagreements.is_empty() && summary.failed_cells == 0;
        let agree = summary.results.scenarios.wasi_command.as_ref().is_some_and(|s| s.engines_agree);
        return Ok(crate::exit::completed(ok && agree));
    }
    if let (Some(module), Some(export)) = (&args.module, &args.export) {
        let summary = crate::bring_your_own::run(
            &crate::bring_your_own::ModuleRequest {
                module: module.clone(),
                export: export.clone(),
                args: args.args.clone(),
                settings: (&args).into(),
            },
            subjects,
        )?;
        let section = summary.results.scenarios.export_call.as_ref().expect("written by run");
        println!("{}", crate::bring_your_own::table(section));
        println!(
            "{}; results: {}",
            if summary.agree { "all engines that ran agree" } else { "ENGINES DISAGREE or none ran" },
            summary.path.display()
        );
        return Ok(crate::exit::completed(summary.agree && summary.failed_cells == 0));
    }
    if let (Some(component), Some(invoke)) = (&args.component, &args.invoke) {
        let request = crate::bring_your_component::ComponentRequest {
            component: component.clone(),
            invoke: invoke.clone(),
            settings: (&args).into(),
        };
        let summary = crate::bring_your_component::run(&request, subjects)?;
        let section = summary.results.scenarios.component_invoke.as_ref().expect("written by run");
        println!("{}", crate::bring_your_component::table(section));
        println!(
            "{}; results: {}",
            if summary.agree { "all component hosts that ran agree" } else { "HOSTS DISAGREE or none ran" },
            summary.path.display()
        );
        return Ok(crate::exit::completed(summary.agree && summary.failed_cells == 0));
    }
    let summary = crate::run::run(&(&args).into(), subjects)?;
    crate::print::print_run(&summary);
    Ok(crate::exit::completed(summary.failed_cells == 0))
}
