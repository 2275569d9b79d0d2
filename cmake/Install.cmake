# cmake/Install.cmake — `cmake --install` (included last from the top-level CMakeLists.txt).
# Owns where every installed file goes; builds nothing but the gzipped man pages.
#
# Layout (GNUInstallDirs, Debian's for games), with CMAKE_INSTALL_PREFIX=/usr as packages use:
#   /usr/games/arena-server, arena-client, arena-bot     ARENA_INSTALL_GAMESDIR
#   /usr/sbin/arena-ctl, /usr/bin/arena-netsim
#   /usr/share/games/localhost-arena/arena.map            ARENA_INSTALL_GAMEDATADIR
#   /usr/share/man/man{1,6,8}/*.gz                        docs/man, gzip -9n at build time
#   /usr/share/applications, /usr/share/icons/hicolor     the client's menu entry and icon
#   /lib/systemd/system/arena-server.service              ARENA_INSTALL_SYSTEMDUNITDIR
#   /etc/arena-server/arena-server.conf
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

# One component per program group: server, client, tools.
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

# gzip -9n (no name, no time stamp: the same bytes every build), as Debian wants man pages. The source stays as it is; the .gz is built into the build tree.
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

add_custom_target(arena_gzipped ALL DEPENDS ${arena_gzipped})
