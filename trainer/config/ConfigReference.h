#pragma once
// The config reference (docs/config.md) rendered from the schema, so the docs cannot drift:
// a test compares the committed file with this output.
#include <string>

namespace corral {

std::string configReferenceMarkdown();

}  // namespace corral
