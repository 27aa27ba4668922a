namespace odoo_upgrade::commands {}
