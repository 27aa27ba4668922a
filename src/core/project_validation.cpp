#include <odoo_upgrade/core/freeze_record.hpp>
#include <odoo_upgrade/core/golive_record.hpp>
#include <odoo_upgrade/core/hooks_record.hpp>
#include <odoo_upgrade/core/inspection.hpp>
#include <odoo_upgrade/core/monitor_record.hpp>
#include <odoo_upgrade/core/naming.hpp>
#include <odoo_upgrade/core/odoo_manifest.hpp>
#include <odoo_upgrade/core/odoo_settings.hpp>
#include <odoo_upgrade/core/project_validation.hpp>
#include <odoo_upgrade/core/request_record.hpp>
#include <odoo_upgrade/core/service_record.hpp>
#include <odoo_upgrade/core/source_record.hpp>
#include <odoo_upgrade/core/uat_record.hpp>

namespace odoo_upgrade::core {

void validate_sections(const Project& project) {
  // Each reader throws on the first field of the wrong type; the values are not needed here.
  (void)read_source(project);
  (void)read_service(project);
  (void)read_names(project);
  (void)read_preflight(project);
  (void)read_rounds(project);
  (void)read_production(project);
  (void)uat::read_uat(project);
  (void)read_freeze(project);
  (void)read_hooks(project);
  (void)read_golive(project);
  (void)monitor::read_monitor(project);
  (void)read_odoo_settings(project);
  (void)read_target_modules(project);
}

} // namespace odoo_upgrade::core
