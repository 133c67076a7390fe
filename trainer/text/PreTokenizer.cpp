#include "text/PreTokenizer.h"

#include "text/UnicodeClass.h"
#include "text/Utf8.h"

namespace corral {
namespace {

using unicode::CharClass;

struct Char {
    char32_t cp;
    size_t length;  // in bytes
    CharClass cls;

    bool letter() const { return cls == CharClass::Letter; }
    bool number() const { return cls == CharClass::Number; }
    bool space() const { return cls == CharClass::Space; }
    // [^\s\p{L}\p{N}]: punctuation, symbols, marks, controls, emoji, unassigned, malformed bytes.
    bool other() const { return cls == CharClass::Other; }
    // \r and \n, which the pattern treats apart from the other white space.
    bool lineBreak() const { return cp == '\r' || cp == '\n'; }
};

// The text being split, read one character at a time by byte offset: nothing is decoded
// ahead, so memory stays constant however long the text is.
class Text {
public:
    explicit Text(std::string_view text) : m_s(reinterpret_cast<const unsigned char *>(text.data())), m_n(text.size()) {}

    size_t size() const { return m_n; }
    // The character at byte offset pos < size().
    Char at(size_t pos) const
    {
        size_t length = 1;
        const char32_t cp = utf8::decode(m_s + pos, m_n - pos, length);
        return {cp, length, cp == utf8::kInvalid ? CharClass::Other : unicode::classOf(cp)};
    }
    // The byte at pos as a lower-case ASCII letter, or 0.
    char lowerAscii(size_t pos) const
    {
        if (pos >= m_n)
            return 0;
        const unsigned char b = m_s[pos];
        if (b >= 'A' && b <= 'Z')
            return static_cast<char>(b + ('a' - 'A'));
        return b >= 'a' && b <= 'z' ? static_cast<char>(b) : 0;
    }

private:
    const unsigned char *m_s;
    size_t m_n;
};

// Where the run of characters that satisfy `keep` starting at pos ends.
template <class Keep>
size_t runEnd(const Text &t, size_t pos, Keep keep)
{
    while (pos < t.size()) {
        const Char c = t.at(pos);
        if (!keep(c))
            break;
        pos += c.length;
    }
    return pos;
}

// The end (byte offset, exclusive) of the piece that starts at byte offset i.
size_t matchAt(const Text &t, size_t i)
{
    const Char c = t.at(i);
    const size_t next = i + c.length;
    // (?i:'s|'t|'re|'ve|'m|'ll|'d): ASCII letters only, as in the reference (JavaScript has
    // no (?i:...) group, so it spells the alternatives out as [sS], [rR][eE], ...).
    if (c.cp == '\'') {
        const char a = t.lowerAscii(i + 1);
        if (a == 's' || a == 't' || a == 'm' || a == 'd')
            return i + 2;
        const char b = t.lowerAscii(i + 2);
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
            return i + 3;
    }
    // [^\r\n\p{L}\p{N}]?\p{L}+: letters, led by one non-letter, non-number (a space, a tab,
    // a quote) when letters follow it.
    const auto letter = [](const Char &x) { return x.letter(); };
    if (c.letter())
        return runEnd(t, next, letter);
    if (!c.number() && !c.lineBreak() && next < t.size() && t.at(next).letter())
        return runEnd(t, next, letter);
    // \p{N}{1,3}
    if (c.number()) {
        size_t j = next;
        for (int k = 1; k < 3 && j < t.size(); ++k) {
            const Char d = t.at(j);
            if (!d.number())
                break;
            j += d.length;
        }
        return j;
    }
    // ' ?[^\s\p{L}\p{N}]+[\r\n]*': the optional space only when punctuation follows it.
    size_t j = i;
    if (c.cp == ' ' && next < t.size() && t.at(next).other())
        j = next;
    else if (!c.other())
        j = std::string_view::npos;
    if (j != std::string_view::npos) {
        j = runEnd(t, j, [](const Char &x) { return x.other(); });
        return runEnd(t, j, [](const Char &x) { return x.lineBreak(); });
    }
    // Only white space is left: a run of it from i.
    size_t end = i;
    size_t lastStart = i;  // where the run's last character starts
    size_t afterBreak = std::string_view::npos;  // just after the run's last \r or \n
    while (end < t.size()) {
        const Char d = t.at(end);
        if (!d.space())
            break;
        lastStart = end;
        end += d.length;
        if (d.lineBreak())
            afterBreak = end;
    }
    // \s*[\r\n]+: \s* backtracks to the run's last line break, [\r\n]+ ends just after it.
    if (afterBreak != std::string_view::npos)
        return afterBreak;
    // \s+(?!\S): the whole run at the end of the text, else all of it but its last character,
    // which is left to lead the next piece (" word"); a run of one is \s+ alone.
    if (end == t.size() || lastStart == i)
        return end;
    return lastStart;
}

}  // namespace

void splitLlama3(std::string_view text, std::vector<std::string_view> &pieces)
{
    const Text t(text);
    for (size_t i = 0; i < t.size();) {
        const size_t end = matchAt(t, i);
        pieces.push_back(text.substr(i, end - i));
        i = end;
    }
}

}  // namespace corral
