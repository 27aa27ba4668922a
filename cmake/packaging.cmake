# What `cmake --install` puts where, and the Debian packages CPack builds from it (`cpack -G DEB` in
# the build folder). Two packages: odoo-upgrade (component `main`) and odoo-upgrade-sandbox (the
# local stand-in of Odoo's upgrade platform, component `sandbox`). Binaries are stripped; library
# dependencies come from dpkg-shlibdeps (except the libraries opened at run time), the programs
# odoo-upgrade runs are listed by hand.
include(GNUInstallDirs)

set(OU_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/odoo-upgrade)
install(TARGETS odoo-upgrade RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT main)
install(FILES README.md DESTINATION ${OU_DOC_DIR} COMPONENT main)
install(FILES LICENSE DESTINATION ${OU_DOC_DIR} RENAME copyright COMPONENT main)
install(DIRECTORY docs/ DESTINATION ${OU_DOC_DIR} COMPONENT main PATTERN "sandbox.md" EXCLUDE)
# Written at build time from the command-line definition (ou-docgen, see CMakeLists.txt).
install(DIRECTORY ${OU_DOCS_DIR}/man1 DESTINATION ${CMAKE_INSTALL_MANDIR} COMPONENT main)
install(FILES ${OU_DOCS_DIR}/completions/odoo-upgrade.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME odoo-upgrade
        COMPONENT main)
install(FILES ${OU_DOCS_DIR}/completions/_odoo-upgrade
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT main)

if(TARGET odoo-upgrade-sandbox)
  install(TARGETS odoo-upgrade-sandbox RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
          COMPONENT sandbox)
  install(FILES docs/sandbox.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/odoo-upgrade-sandbox
          COMPONENT sandbox)
  install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/odoo-upgrade-sandbox
          RENAME copyright COMPONENT sandbox)
endif()

set(CPACK_PACKAGE_NAME odoo-upgrade)
set(CPACK_PACKAGE_VENDOR "The odoo-upgrade developers")
set(CPACK_PACKAGE_CONTACT "The odoo-upgrade developers <odoo-upgrade@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY ${PROJECT_DESCRIPTION})
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL main sandbox)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PROJECT_HOMEPAGE_URL})
set(CPACK_DEBIAN_MAIN_PACKAGE_NAME odoo-upgrade)
# libpq, libcurl and libcrypto are opened at run time (adapters/shared_library.hpp), so
# dpkg-shlibdeps cannot see them: named here with the ABI the binary opens (libpq.so.5,
# libcurl.so.4, libcrypto.so.3).
set(CPACK_DEBIAN_MAIN_PACKAGE_DEPENDS
    "libpq5, libcurl4, libssl3, postgresql-client, rsync, openssh-client, python3, tzdata")
set(CPACK_COMPONENT_MAIN_DESCRIPTION
    "Odoo upgrade orchestrator\n"
    "odoo-upgrade takes an Odoo customer from 'let's upgrade' to an upgraded, verified and\n"
    "monitored production: test upgrade rounds with Odoo's upgrade service, automated UAT of the\n"
    "upgraded database against production, a journaled go-live with rollback, and monitoring.")
set(CPACK_DEBIAN_SANDBOX_PACKAGE_NAME odoo-upgrade-sandbox)
set(CPACK_DEBIAN_SANDBOX_PACKAGE_DEPENDS
    "postgresql-client, rsync, openssh-server, openssh-client, openssl")
set(CPACK_COMPONENT_SANDBOX_DESCRIPTION
    "Local stand-in of Odoo's upgrade platform for odoo-upgrade\n"
    "odoo-upgrade-sandbox serves the upgrade service's JSON-RPC API over HTTPS and its rsync/SSH\n"
    "transfers on loopback, and simulates processing, for rehearsals and tests.")
include(CPack)
