#pragma once
// Edits one field of a run config's YAML text in place, so a form and a text view can show the
// same document: the edited key's value changes and everything else (comments, order, blank
// lines, other values as written) stays as the person wrote it. A key that is missing is added
// in schema order inside its section; a missing section is added in schema order too.
#include "config/Result.h"

#include <string>

namespace corral {

// `valueYaml` is the value as YAML text on one line (formatFieldValue's output). The text must
// parse (parseYaml) and be YAML, not JSON; otherwise the error says why and nothing is changed.
Result<std::string> setFieldInText(const std::string &text, const std::string &section, const std::string &key,
                                   const std::string &valueYaml);

}  // namespace corral
