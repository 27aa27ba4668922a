#include <odoo_upgrade/cli/commands.hpp>
#include <odoo_upgrade/cli/docgen.hpp>

#include <memory>

namespace odoo_upgrade::cli {

void register_completion(CLI::App& sub, RunFn& run) {
  auto shell = std::make_shared<std::string>();
  sub.add_option("shell", *shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  sub.footer("bash: source <(odoo-upgrade completion bash), or save it as "
             "~/.local/share/bash-completion/completions/odoo-upgrade\n"
             "zsh: odoo-upgrade completion zsh > ~/.zfunc/_odoo-upgrade, with ~/.zfunc in $fpath "
             "before compinit");
  CLI::App* program = sub.get_parent();
  run = [shell, program](commands::Context& ctx) {
    CommandInfo info = describe(*program);
    std::string script = *shell == "bash" ? bash_completion(info) : zsh_completion(info);
    ctx.out.data({{"shell", *shell}, {"script", script}}, [&](std::ostream& os) { os << script; });
    return 0;
  };
}

} // namespace odoo_upgrade::cli
