// The fixture tests/unit/data/replica_certificate.txt: a v4 call's certificate signed by the
// local replica's BLS key, with that key, the canister and the request id, as "name value" lines.
// Shared by the unit tests and the benchmark.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>

inline std::map<std::string, std::string> replica_certificate_fields() {
    std::ifstream in(std::string(JUNO_TEST_DATA_DIR) + "/replica_certificate.txt");
    std::map<std::string, std::string> fields;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::string name, value;
        words >> name >> value;
        fields[name] = value;
    }
    return fields;
}
