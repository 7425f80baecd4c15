# Fuzz targets of the chat server (owned by the server engineer). Included by
# tests/fuzz/CMakeLists.txt after heregoes_fuzz.cmake:
#   frame_parser   protocol v1 client frames (adapters/web/client_frame.hpp), re-encoded replies
#   server_config  the serve configuration file parser (engine/server/server_config.hpp)
heregoes_fuzz_target(frame_parser ${CMAKE_CURRENT_LIST_DIR}/frame_parser_fuzz.cpp heregoes::adapter_web
    nlohmann_json::nlohmann_json)
heregoes_fuzz_target(server_config ${CMAKE_CURRENT_LIST_DIR}/server_config_fuzz.cpp heregoes::server)
