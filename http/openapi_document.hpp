#pragma once

namespace concert::http {

/// openapi.yaml as it was at build time, served at GET /openapi.yaml.
const char* openapi_document();

} // namespace concert::http
