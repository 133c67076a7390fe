#include "metrics/MetricLineParser.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>

namespace corral {

namespace {

// The keys MetricRecord reads; every other key is checked for syntax and skipped.
enum Key { Kind, Step, Epoch, Tokens, Loss, Lr, GradNorm, TokensPerSecond, Ppl, Time, Elapsed, KeyCount, Unknown };

Key keyOf(const char *s, qsizetype n)
{
    auto is = [&](const char *name) { return std::memcmp(s, name, size_t(n)) == 0; };
    switch (n) {
    case 2: return is("lr") ? Lr : Unknown;
    case 3: return is("ppl") ? Ppl : Unknown;
    case 4: return is("kind") ? Kind : is("step") ? Step : is("loss") ? Loss : is("time") ? Time : Unknown;
    case 5: return is("epoch") ? Epoch : Unknown;
    case 6: return is("tokens") ? Tokens : Unknown;
    case 9: return is("grad_norm") ? GradNorm : is("elapsed_s") ? Elapsed : Unknown;
    case 12: return is("tokens_per_s") ? TokensPerSecond : Unknown;
    default: return Unknown;
    }
}

// The last value seen for a key (JSON objects keep the last of duplicate keys; so does Qt).
struct Slot {
    enum Type : unsigned char { Absent, Number, String, Other } type = Absent;
    double number = 0;
    const char *text = nullptr;
    qsizetype length = 0;
};

// JSON's four whitespace bytes, exactly the ones QJsonDocument skips.
inline bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

inline void skipSpace(const char *&p, const char *end)
{
    while (p < end && isSpace(*p))
        ++p;
}

inline bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// A string after its opening quote, when it is plain printable ASCII without escapes.
// Escapes, control bytes and UTF-8 are the full parser's business.
bool scanPlainString(const char *&p, const char *end, const char **text, qsizetype *length)
{
    const char *start = p;
    while (p < end) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"') {
            *text = start;
            *length = p - start;
            ++p;
            return true;
        }
        if (c == '\\' || c < 0x20 || c >= 0x80)
            return false;
        ++p;
    }
    return false;
}

// A number in strict JSON grammar. When `convert` is set (or the number could be out of a
// double's range), its value as QJsonValue::toDouble would give it: Qt stores a number that
// is a whole qint64 as an integer, so -0 reads back as +0; a number Qt rejects (it overflows
// or underflows) or one near those edges is left undecided.
bool scanNumber(const char *&p, const char *end, bool convert, double *value)
{
    const char *start = p;
    const bool negative = p < end && *p == '-';
    if (negative)
        ++p;
    if (p >= end)
        return false;
    const char *intStart = p;
    if (*p == '0') {
        ++p;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && isDigit(*p))
            ++p;
    } else {
        return false;
    }
    const qsizetype intDigits = p - intStart;
    bool integral = true;
    bool exponent = false;
    if (p < end && *p == '.') {
        ++p;
        const char *fraction = p;
        while (p < end && isDigit(*p))
            ++p;
        if (p == fraction)
            return false;
        integral = false;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p < end && (*p == '+' || *p == '-'))
            ++p;
        const char *digits = p;
        while (p < end && isDigit(*p))
            ++p;
        if (p == digits)
            return false;
        integral = false;
        exponent = true;
    }
    if (integral && intDigits <= 18) {
        if (convert) {
            qint64 n = 0;
            for (const char *d = intStart; d < p; ++d)
                n = n * 10 + (*d - '0');
            *value = static_cast<double>(negative ? -n : n);
        }
        return true;
    }
    if (!convert && !exponent && p - start < 300)
        return true;  // no exponent and few digits: cannot overflow or underflow, Qt accepts it
    double d = 0;
    const auto [ptr, ec] = std::from_chars(start, p, d);
    if (ec != std::errc() || ptr != p || !std::isfinite(d))
        return false;
    if (d == 0) {
        // A true zero (every digit 0) reads back as +0; an underflow to zero is Qt's to judge.
        const char *mantissaEnd = start;
        while (mantissaEnd < p && *mantissaEnd != 'e' && *mantissaEnd != 'E')
            ++mantissaEnd;
        for (const char *c = start; c < mantissaEnd; ++c) {
            if (*c >= '1' && *c <= '9')
                return false;
        }
        d = 0.0;
    } else if (std::fabs(d) < DBL_MIN) {
        return false;  // subnormal: leave the edge cases to the full parser
    }
    *value = d;
    return true;
}

bool matchLiteral(const char *&p, const char *end, const char *literal, size_t length)
{
    if (size_t(end - p) < length || std::memcmp(p, literal, length) != 0)
        return false;
    p += qsizetype(length);
    return true;
}

double numberOf(const Slot &slot)
{
    return slot.type == Slot::Number ? slot.number : MetricRecord::kMissing;
}

bool slotIs(const Slot &slot, const char *text)
{
    const size_t n = std::strlen(text);
    return size_t(slot.length) == n && std::memcmp(slot.text, text, n) == 0;
}

}  // namespace

bool parseMetricLineFast(QByteArrayView line, ParsedMetricLine *out)
{
    const char *p = line.data();
    const char *const end = p + line.size();
    Slot values[KeyCount];

    skipSpace(p, end);
    if (p >= end || *p != '{')
        return false;
    ++p;
    skipSpace(p, end);
    if (p < end && *p == '}') {
        ++p;
    } else {
        while (true) {
            if (p >= end || *p != '"')
                return false;
            ++p;
            const char *keyText = nullptr;
            qsizetype keyLength = 0;
            if (!scanPlainString(p, end, &keyText, &keyLength))
                return false;
            const Key key = keyOf(keyText, keyLength);
            skipSpace(p, end);
            if (p >= end || *p != ':')
                return false;
            ++p;
            skipSpace(p, end);
            if (p >= end)
                return false;
            Slot value;
            switch (*p) {
            case '"':
                ++p;
                if (!scanPlainString(p, end, &value.text, &value.length))
                    return false;
                value.type = Slot::String;
                break;
            case 't':
                if (!matchLiteral(p, end, "true", 4))
                    return false;
                value.type = Slot::Other;
                break;
            case 'f':
                if (!matchLiteral(p, end, "false", 5))
                    return false;
                value.type = Slot::Other;
                break;
            case 'n':
                if (!matchLiteral(p, end, "null", 4))
                    return false;
                value.type = Slot::Other;
                break;
            default:
                if (*p != '-' && !isDigit(*p))
                    return false;  // nested objects and arrays, or not JSON: the full parser decides
                if (!scanNumber(p, end, key != Unknown, &value.number))
                    return false;
                value.type = Slot::Number;
                break;
            }
            if (key != Unknown)
                values[key] = value;
            skipSpace(p, end);
            if (p >= end)
                return false;
            if (*p == ',') {
                ++p;
                skipSpace(p, end);
                continue;
            }
            if (*p != '}')
                return false;
            ++p;
            break;
        }
    }
    skipSpace(p, end);
    if (p != end)
        return false;

    // The same rules as MetricRecord::fromJson.
    const Slot &kind = values[Kind];
    const Slot &step = values[Step];
    MetricRecord r;
    if (kind.type != Slot::String || step.type != Slot::Number || !MetricRecord::stepFromNumber(step.number, &r.step)) {
        out->outcome = ParsedMetricLine::Outcome::NotARecord;
        return true;
    }
    r.kind = slotIs(kind, "train") ? MetricRecord::Kind::Train
        : slotIs(kind, "val")      ? MetricRecord::Kind::Val
                                   : MetricRecord::Kind::Other;
    r.epoch = numberOf(values[Epoch]);
    r.tokens = numberOf(values[Tokens]);
    r.loss = numberOf(values[Loss]);
    r.lr = numberOf(values[Lr]);
    r.gradNorm = numberOf(values[GradNorm]);
    r.tokensPerSecond = numberOf(values[TokensPerSecond]);
    r.perplexity = numberOf(values[Ppl]);
    r.time = numberOf(values[Time]);
    r.elapsedSeconds = numberOf(values[Elapsed]);
    out->outcome = ParsedMetricLine::Outcome::Record;
    out->record = r;
    return true;
}

ParsedMetricLine parseMetricLineFull(QByteArrayView line)
{
    ParsedMetricLine parsed;
    QJsonParseError error{};
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), line.size()), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        parsed.outcome = ParsedMetricLine::Outcome::Malformed;
        parsed.error = error.error != QJsonParseError::NoError ? error.errorString()
                                                               : QStringLiteral("not a JSON object");
        return parsed;
    }
    if (const auto record = MetricRecord::fromJson(doc.object())) {
        parsed.outcome = ParsedMetricLine::Outcome::Record;
        parsed.record = *record;
    }
    return parsed;
}

ParsedMetricLine parseMetricLine(QByteArrayView line)
{
    ParsedMetricLine parsed;
    if (parseMetricLineFast(line, &parsed))
        return parsed;
    return parseMetricLineFull(line);
}

}  // namespace corral
