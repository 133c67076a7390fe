// metrics.jsonl and events.jsonl as they arrive, in chunks of any size: the line splitter hands
// on exactly the complete lines (never a partial last line, so no record is read from half a
// line), numbered from 1, whatever the chunking; on every line the fast metric parser, when it
// decides, means what the full JSON parser means; and the records and events fold into a
// RunSeries whose x columns stay sorted, which the chart's downsampler relies on.
//
// Input: the file's bytes. Chunk sizes come from a generator seeded by the input, so a crash
// reproduces from the saved input alone.
#include "FuzzSupport.h"

#include "metrics/Downsampler.h"
#include "metrics/JsonlLineSplitter.h"
#include "metrics/JsonlTailer.h"
#include "metrics/MetricLineParser.h"
#include "metrics/RunSeries.h"

#include <cmath>
#include <cstring>

using namespace corral;

namespace {

bool sameDouble(double a, double b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::memcmp(&a, &b, sizeof a) == 0;
}

bool agree(const ParsedMetricLine &a, const ParsedMetricLine &b)
{
    if (a.outcome != b.outcome)
        return false;
    if (a.outcome != ParsedMetricLine::Outcome::Record)
        return true;
    const MetricRecord &x = a.record, &y = b.record;
    return x.kind == y.kind && x.step == y.step && sameDouble(x.epoch, y.epoch) && sameDouble(x.tokens, y.tokens)
        && sameDouble(x.loss, y.loss) && sameDouble(x.lr, y.lr) && sameDouble(x.gradNorm, y.gradNorm)
        && sameDouble(x.tokensPerSecond, y.tokensPerSecond) && sameDouble(x.perplexity, y.perplexity)
        && sameDouble(x.time, y.time) && sameDouble(x.elapsedSeconds, y.elapsedSeconds);
}

std::string describe(const MetricRecord &r)
{
    char text[512];
    std::snprintf(text, sizeof text,
                  "kind %d step %lld epoch %.17g tokens %.17g loss %.17g lr %.17g grad %.17g tps %.17g ppl %.17g "
                  "time %.17g elapsed %.17g", int(r.kind), static_cast<long long>(r.step), r.epoch, r.tokens,
                  r.loss, r.lr, r.gradNorm, r.tokensPerSecond, r.perplexity, r.time, r.elapsedSeconds);
    return text;
}

void checkSorted(const RunSeries &series)
{
    for (Metric metric : {Metric::TrainLoss, Metric::ValLoss}) {
        for (XAxis axis : {XAxis::Step, XAxis::Tokens, XAxis::WallTime}) {
            const SeriesRef ref = series.series(metric, axis);
            bool seenNumber = false;
            for (qsizetype i = 0; i < ref.size(); ++i) {
                const double x = (*ref.x)[i];
                if (std::isnan(x)) {
                    FUZZ_CHECK(!seenNumber, "NaN after a number in an x column");
                    continue;
                }
                FUZZ_CHECK(!seenNumber || x >= (*ref.x)[i - 1], "x column not sorted at row " + std::to_string(i));
                seenNumber = true;
            }
            DownsampleRequest request;
            request.xOrigin = ref.xOrigin;
            request.x0 = ref.size() ? (*ref.x)[0] - ref.xOrigin : 0;
            request.x1 = ref.size() ? (*ref.x)[ref.size() - 1] - ref.xOrigin : 1;
            if (!std::isfinite(request.x0) || !std::isfinite(request.x1) || request.x1 <= request.x0) {
                request.x0 = 0;
                request.x1 = 1;
            }
            request.widthPx = 2 + static_cast<int>(ref.size() % 7);
            const Downsampled drawn = downsampleMinMax(*ref.x, *ref.y, request);
            FUZZ_CHECK(drawn.points.size() <= 2 * request.widthPx + 2,
                       "downsampled to more points than the width allows");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view bytes = fuzz::asText(data, size);

    // The complete lines, cut the plain way.
    std::vector<std::string_view> expected;
    size_t start = 0;
    for (size_t newline; (newline = bytes.find('\n', start)) != std::string_view::npos; start = newline + 1)
        expected.emplace_back(bytes.substr(start, newline - start));
    const size_t partial = bytes.size() - start;

    uint64_t seed = 1469598103934665603ULL;
    for (const char c : bytes)
        seed = (seed ^ static_cast<unsigned char>(c)) * 1099511628211ULL;

    JsonlLineSplitter splitter;
    RunSeries series;
    JsonlBatch events;
    size_t lines = 0;
    auto onLine = [&](QByteArrayView line, qint64 number) {
        FUZZ_CHECK(lines < expected.size(), "more lines than newlines");
        FUZZ_CHECK(number == qint64(lines + 1), "line numbered " + std::to_string(number) + ", expected "
                                                    + std::to_string(lines + 1));
        const std::string_view want = expected[lines];
        FUZZ_CHECK(size_t(line.size()) == want.size() && std::memcmp(line.data(), want.data(), want.size()) == 0,
                   "line " + std::to_string(number) + " differs from the file's");
        ++lines;

        const ParsedMetricLine full = parseMetricLineFull(line);
        ParsedMetricLine fast;
        if (parseMetricLineFast(line, &fast)) {
            FUZZ_CHECK(agree(fast, full), "fast and full parsers disagree on line " + std::string(want) + "\n fast: "
                                              + describe(fast.record) + "\n full: " + describe(full.record));
        }
        const ParsedMetricLine combined = parseMetricLine(line);
        FUZZ_CHECK(agree(combined, full), "parseMetricLine differs from the full parser on " + std::string(want));
        if (combined.outcome == ParsedMetricLine::Outcome::Record) {
            FUZZ_CHECK(combined.record.step >= 0, "a record with a negative step");
            series.append(combined.record);
        }
        JsonlTailer::addLine(line, number, QStringLiteral("events.jsonl"), events);
    };
    for (size_t at = 0; at < bytes.size();) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        const size_t chunk = std::min<size_t>(1 + (seed >> 33) % 64, bytes.size() - at);
        splitter.feed(QByteArrayView(bytes.data() + at, qsizetype(chunk)), onLine);
        at += chunk;
    }
    FUZZ_CHECK(lines == expected.size(),
               "lines lost: " + std::to_string(lines) + " of " + std::to_string(expected.size()));
    FUZZ_CHECK(size_t(splitter.pendingBytes()) == partial, "the partial last line is not what is pending");

    for (const QJsonObject &event : events.objects)
        series.appendEvent(event);
    checkSorted(series);
    for (const RunEvent &event : series.events()) {
        for (XAxis axis : {XAxis::Step, XAxis::Tokens, XAxis::WallTime})
            (void)series.eventX(event, axis);
    }
    return 0;
}
