# cmake/Install.cmake — `cmake --install` and `cpack -G DEB` (included last from the top-level
# CMakeLists.txt). Owns where every installed file goes and the three Debian packages; builds
# nothing but the gzipped man pages and changelogs. Operators: docs/operations.md "Installing
# on one host". The package test: tests/integration/package_deb.sh.
#
# Layout (GNUInstallDirs, Debian's for games), with CMAKE_INSTALL_PREFIX=/usr as packages use:
#   /usr/games/arena-server, arena-client, arena-bot     ARENA_INSTALL_GAMESDIR
#   /usr/sbin/arena-ctl, /usr/bin/arena-netsim
#   /usr/share/games/localhost-arena/arena.map            ARENA_INSTALL_GAMEDATADIR
#   /usr/share/man/man{1,6,8}/*.gz                        docs/man, gzip -9n at build time
#   /usr/share/applications, /usr/share/icons/hicolor     the client's menu entry and icon
#   /lib/systemd/system/arena-server.service              ARENA_INSTALL_SYSTEMDUNITDIR
#   /etc/arena-server/arena-server.conf                   a conffile
#   /usr/share/doc/<package>/copyright, changelog.Debian.gz
if(ARENA_FUZZ)
  return() # fuzz builds have no programs to install
endif()

include(GNUInstallDirs)

set(ARENA_INSTALL_GAMESDIR games CACHE STRING
    "Where arena-server, arena-client and arena-bot go, relative to the prefix (Debian: games)")
set(ARENA_INSTALL_GAMEDATADIR ${CMAKE_INSTALL_DATAROOTDIR}/games/localhost-arena CACHE STRING
    "The game's data (the default map), relative to the prefix")
set(ARENA_INSTALL_SYSTEMDUNITDIR "" CACHE STRING
    "Where arena-server.service goes (empty: /lib/systemd/system for the prefix /usr, else lib/systemd/system)")
# Debian 12's systemd (systemd.pc) and debhelper put units in /lib/systemd/system.
if(ARENA_INSTALL_SYSTEMDUNITDIR)
  set(arena_unitdir ${ARENA_INSTALL_SYSTEMDUNITDIR})
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(arena_unitdir /lib/systemd/system)
else()
  set(arena_unitdir lib/systemd/system)
endif()
# The Debian revision of every package (0.1.0-1); the changelogs' entries carry it too.
set(ARENA_DEBIAN_REVISION 1)
set(ARENA_PACKAGE_MAINTAINER
    "Localhost Arena maintainers <maintainers@users.noreply.b-seed-e9d40036.example>"
    CACHE STRING "Maintainer field of the Debian packages")

# Absolute forms: compiled into the server and written into the unit and the config file.
function(arena_full_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
arena_full_path(ARENA_FULL_GAMESDIR "${ARENA_INSTALL_GAMESDIR}")
arena_full_path(ARENA_FULL_GAMEDATADIR "${ARENA_INSTALL_GAMEDATADIR}")
# GNUInstallDirs: /etc when the prefix is /usr, else PREFIX/etc.
set(ARENA_FULL_CONFDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}/arena-server")

# The installed server finds the installed map (server/main.c find_default_map).
target_compile_definitions(arena-server PRIVATE ARENA_DATADIR="${ARENA_FULL_GAMEDATADIR}")

# One component per Debian package.
install(TARGETS arena-server DESTINATION ${ARENA_INSTALL_GAMESDIR} COMPONENT server)
install(TARGETS arena-ctl DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT server)
install(TARGETS arena-client arena-bot DESTINATION ${ARENA_INSTALL_GAMESDIR} COMPONENT client)
install(TARGETS arena-netsim DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)

install(FILES ${PROJECT_SOURCE_DIR}/assets/arena.map DESTINATION ${ARENA_INSTALL_GAMEDATADIR}
        COMPONENT server)

set(arena_gen ${PROJECT_BINARY_DIR}/packaging)
configure_file(${PROJECT_SOURCE_DIR}/packaging/arena-server.service.in
               ${arena_gen}/arena-server.service @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/packaging/arena-server.conf.in
               ${arena_gen}/arena-server.conf @ONLY)
install(FILES ${arena_gen}/arena-server.service DESTINATION ${arena_unitdir}
        COMPONENT server)
install(FILES ${arena_gen}/arena-server.conf DESTINATION ${ARENA_FULL_CONFDIR} COMPONENT server)

install(FILES ${PROJECT_SOURCE_DIR}/assets/arena-client.desktop
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/applications COMPONENT client)
install(FILES ${PROJECT_SOURCE_DIR}/assets/icons/arena-client.svg
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/icons/hicolor/scalable/apps COMPONENT client)

# gzip -9n (no name, no time stamp: the same bytes every build), as Debian wants man pages
# and changelogs. The source stays as it is; the .gz is built into the build tree.
set(arena_gzipped)
function(arena_gzip src out)
  get_filename_component(name ${out} NAME_WLE)
  get_filename_component(dir ${out} DIRECTORY)
  add_custom_command(OUTPUT ${out}
                     COMMAND ${CMAKE_COMMAND} -E copy ${src} ${dir}/${name}
                     COMMAND gzip -9nf ${dir}/${name}
                     DEPENDS ${src} VERBATIM)
  set(arena_gzipped ${arena_gzipped} ${out} PARENT_SCOPE)
endfunction()

# The man pages, by package. docs/man is written alongside this file: a page missing from the
# tree is a warning here (the build goes on) and a failure of the package test.
set(arena_man_server arena-server.6 arena-ctl.8)
set(arena_man_client arena-client.6 arena-bot.6)
set(arena_man_tools arena-netsim.1)
foreach(component server client tools)
  foreach(page IN LISTS arena_man_${component})
    set(src ${PROJECT_SOURCE_DIR}/docs/man/${page})
    if(NOT EXISTS ${src})
      message(WARNING "docs/man/${page} is missing: it will not be installed")
      continue()
    endif()
    string(REGEX MATCH "[0-9]$" section ${page})
    arena_gzip(${src} ${PROJECT_BINARY_DIR}/man/${page}.gz)
    install(FILES ${PROJECT_BINARY_DIR}/man/${page}.gz
            DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section} COMPONENT ${component})
  endforeach()
endforeach()

# The packages: arena-<component> holds the files of that component, and its own copyright
# and changelog.
set(arena_packages arena-server arena-client arena-tools)
set(arena_components)
foreach(package IN LISTS arena_packages)
  set(ARENA_PACKAGE ${package})
  set(docdir ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package})
  string(REPLACE "arena-" "" component ${package})
  list(APPEND arena_components ${component})
  configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog.Debian.in
                 ${arena_gen}/${package}/changelog.Debian @ONLY)
  arena_gzip(${arena_gen}/${package}/changelog.Debian
             ${arena_gen}/${package}/gz/changelog.Debian.gz)
  install(FILES ${arena_gen}/${package}/gz/changelog.Debian.gz
                ${PROJECT_SOURCE_DIR}/packaging/copyright
          DESTINATION ${docdir} COMPONENT ${component})
endforeach()
add_custom_target(arena_gzipped ALL DEPENDS ${arena_gzipped})

# The configuration file is the operator's: dpkg keeps their edits on upgrade.
file(WRITE ${arena_gen}/conffiles "${ARENA_FULL_CONFDIR}/arena-server.conf\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME localhost-arena)
set(CPACK_PACKAGE_VENDOR "Localhost Arena")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${ARENA_PACKAGE_MAINTAINER})
# The package prefix is the one the server was compiled for (ARENA_DATADIR, the unit).
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${arena_components})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # name_version-revision_arch.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE ${ARENA_DEBIAN_REVISION})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${ARENA_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SECTION games)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME arena-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA ${arena_gen}/conffiles)
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "arena-client, arena-tools")
set(CPACK_DEBIAN_SERVER_DESCRIPTION
    "Localhost Arena game server for LAN parties
Localhost Arena is a small top-down multiplayer arena game. This package is
its authoritative server: a 60 Hz simulation sending delta-compressed
snapshots over UDP (ENet), login and chat over a plain TCP text protocol, and
LAN discovery. It ships arena-ctl, the operator's tool to kick, ban and mute
players, the default map, and a hardened systemd unit (not enabled on install).")

set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME arena-client)
# The client draws its text with DejaVu Sans (client/app/text.h), a file not a library.
set(CPACK_DEBIAN_CLIENT_PACKAGE_DEPENDS fonts-dejavu-core)
set(CPACK_DEBIAN_CLIENT_DESCRIPTION
    "Localhost Arena game client and bots
Localhost Arena is a small top-down multiplayer arena game. This package is
its SDL2 client, which finds the servers on the LAN by itself, predicts its
own player and interpolates the others, and arena-bot, headless players that
fill a server or load-test it.")

# arena-netsim has a package of its own: it is for players and operators alike (a relay
# between any client and any server), needs neither the server's unit nor the client's SDL.
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME arena-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
set(CPACK_DEBIAN_TOOLS_DESCRIPTION
    "Localhost Arena network impairment relay
arena-netsim sits between Localhost Arena clients and a server and makes the
network worse on purpose: latency, jitter, random and bursty loss,
duplicates, bandwidth caps, for the game's UDP and its TCP login alike. It
shows what a game feels like on Wi-Fi, DSL or a mobile link without leaving
the LAN.")

include(CPack)
