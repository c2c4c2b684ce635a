//! Start order: a compose service that waits for a datastore (`depends_on: [mysql]`) uses it,
//! even when the address is a default inside its code. Such an access is kept at a lower
//! confidence, and only where no setting already names the datastore. Waiting for another
//! service is a start order, not a call, and draws nothing.

use super::Inferred;
use super::classify::Role;
use super::units::Units;

pub fn from_depends_on(units: &Units, out: &mut Inferred) {
    for unit in units.units.iter().filter(|u| u.role == Role::Service) {
        for (name, span) in &unit.depends_on {
            let Some(target) = units
                .hosts
                .get(&name.to_ascii_lowercase())
                .and_then(|t| t.unit)
            else {
                continue;
            };
            let store = &units.units[target];
            if matches!(store.role, Role::Datastore(_)) && store.name != unit.name {
                out.add_possible_access(
                    (&unit.name, &store.name),
                    *span,
                    format!("depends_on {name}"),
                );
            }
        }
    }
}
