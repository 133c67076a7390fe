#include "EstimatePanel.h"

#include <QLabel>
#include <QVBoxLayout>

#include <cmath>

namespace corral {

namespace {
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

QString gib(double bytes)
{
    return QStringLiteral("%1 GiB").arg(bytes / kGiB, 0, 'f', 2);
}

// 1234567 → "1,234,567": the same in every locale, like the docs.
QString grouped(int64_t n)
{
    QString digits = QString::number(std::llabs(n));
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(','));
    return n < 0 ? QLatin1Char('-') + digits : digits;
}

QString millions(int64_t n)
{
    return n >= 1'000'000'000 ? QStringLiteral("%1 B").arg(static_cast<double>(n) / 1e9, 0, 'f', 2)
                              : QStringLiteral("%1 M").arg(static_cast<double>(n) / 1e6, 0, 'f', 1);
}

QString decimalBytes(int64_t bytes)
{
    const double b = static_cast<double>(bytes);
    if (b >= 1e9)
        return QStringLiteral("%1 GB").arg(b / 1e9, 0, 'f', 1);
    if (b >= 1e6)
        return QStringLiteral("%1 MB").arg(b / 1e6, 0, 'f', 1);
    return QStringLiteral("%1 KB").arg(b / 1e3, 0, 'f', 0);
}

QString row(const QString &what, const QString &value)
{
    return QStringLiteral("<tr><td>%1</td><td align=right>&nbsp;&nbsp;%2</td></tr>").arg(what, value);
}

void colorBanner(QLabel *label, const char *background, const char *color)
{
    label->setStyleSheet(QStringLiteral("QLabel { background: %1; color: %2; border: 1px solid %2; border-radius: 4px; "
                                        "padding: 6px; }")
                             .arg(QLatin1StringView(background), QLatin1StringView(color)));
}
}  // namespace

EstimatePanel::EstimatePanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("estimateBanner"));
    m_banner->setWordWrap(true);
    layout->addWidget(m_banner);
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("estimateDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setToolTip(tr("A model of what the trainer keeps in memory, not a measurement; "
                             "the formula is in docs/estimate.md."));
    layout->addWidget(m_details);
    layout->addStretch(1);
}

void EstimatePanel::setProfile(const ClusterProfile &profile)
{
    const SlurmResources &r = profile.resources;
    m_profileName = profile.name;
    m_target.gpu = !profile.isLocal() && r.gpusPerNode > 0;
    m_target.ranks = profile.isLocal() ? 1 : std::max(1, r.nodes) * std::max(1, m_target.gpu ? r.gpusPerNode : r.cpuTasksPerNode);
    m_gpuMemoryGiB = m_target.gpu ? r.gpuMemoryGb : 0.0;
}

void EstimatePanel::setConfig(const RunConfig &config)
{
    auto arch = architectureOf(config.model);
    if (!arch) {
        m_memory.reset();
        m_verdict = Verdict::NoEstimate;
        m_banner->setText(tr("No estimate: the architecture is unknown (%1).").arg(QString::fromStdString(arch.error().toString())));
        colorBanner(m_banner, "#f6f8fa", "#57606a");
        m_details->clear();
        return;
    }
    m_memory = estimateMemory(arch.value(), config, m_target);
    const auto [bytes, files] = dataBytesOf(config.data);
    m_data = estimateData(bytes, files, config, m_target.ranks);
    const double total = m_memory->totalBytes() / kGiB;
    if (!m_target.gpu || m_gpuMemoryGiB <= 0)
        m_verdict = Verdict::Unknown;
    else
        m_verdict = total > m_gpuMemoryGiB ? Verdict::Exceeds : Verdict::Fits;
    const QString source = config.model.path.empty()
                               ? tr("built-in %1").arg(QString::fromStdString(config.model.name))
                               : tr("%1/config.json").arg(QString::fromStdString(config.model.path));
    render(config, arch.value(), source);
}

QString EstimatePanel::warningText() const
{
    return m_verdict == Verdict::Exceeds ? m_banner->text() : QString();
}

void EstimatePanel::render(const RunConfig &config, const LlamaConfig &arch, const QString &archSource)
{
    const MemoryEstimate &m = *m_memory;
    const double total = m.totalBytes();
    const QString where = m_profileName.isEmpty() ? tr("no profile selected, assuming one GPU") : m_profileName;
    switch (m_verdict) {
    case Verdict::Exceeds:
        m_banner->setText(tr("Does not fit: about %1 per GPU, and the GPUs of %2 have %3 GiB. Lower "
                             "train.micro_batch_size or data.max_seq_len%4, or pick a profile with larger GPUs.")
                              .arg(gib(total), where)
                              .arg(m_gpuMemoryGiB)
                              .arg(config.model.quantize == "int8" ? QString() : tr(", set model.quantize to int8")));
        colorBanner(m_banner, "#ffebe9", "#cf222e");
        break;
    case Verdict::Fits:
        m_banner->setText(tr("Fits: about %1 of the %2 GiB of each GPU of %3.").arg(gib(total)).arg(m_gpuMemoryGiB).arg(where));
        colorBanner(m_banner, "#dafbe1", "#1a7f37");
        break;
    default:
        m_banner->setText(m_target.gpu ? tr("About %1 per GPU (%2; the profile does not give gpu_memory_gb, so "
                                            "there is nothing to compare with).").arg(gib(total), where)
                                       : tr("About %1 per process on the CPU (%2, float32).").arg(gib(total), where));
        colorBanner(m_banner, "#f6f8fa", "#57606a");
        break;
    }

    const QString device = m_target.gpu ? tr("GPU") : tr("process");
    const QString weights = config.model.quantize == "int8"
                                ? tr("int8 linears, %1-byte rest").arg(m.weightElementBytes)
                                : tr("%1 bytes each").arg(m.weightElementBytes);
    QString html = QStringLiteral("<table cellspacing=0>");
    html += row(tr("<b>Memory per %1</b>").arg(device), QStringLiteral("<b>%1</b>").arg(gib(total)));
    html += row(tr("base weights: %1 params, %2").arg(millions(m.parameters), weights), gib(m.baseWeightBytes));
    html += row(tr("LoRA: %1 params + grads + AdamW (fp32)").arg(millions(m.loraParameters)), gib(m.loraBytes));
    html += row(tr("activations: %1 B/token/layer × %2 tokens").arg(grouped(static_cast<int64_t>(m.activationBytesPerTokenPerLayer)),
                                                                  grouped(m.tokensPerMicroBatch)),
                gib(m.activationBytes));
    html += row(tr("logits: %1 B/token").arg(grouped(static_cast<int64_t>(m.logitBytesPerToken))), gib(m.logitBytes));
    if (m.attentionMaskBytes > 0)
        html += row(tr("packed-row attention mask"), gib(m.attentionMaskBytes));
    html += row(m_target.gpu ? tr("CUDA context and allocator") : tr("LibTorch runtime"), gib(m.overheadBytes));
    const int64_t perStep = tokensPerStep(config, m_target.ranks);
    html += row(tr("<b>Tokens per step</b>: %1 × %2 × %3 × %4 rank(s)")
                    .arg(config.train.micro_batch_size)
                    .arg(config.train.grad_accum_steps)
                    .arg(grouped(config.data.max_seq_len))
                    .arg(m_target.ranks),
                QStringLiteral("<b>%1</b>").arg(grouped(perStep)));
    if (m_data.files > 0) {
        const QString how = m_data.tokensPerByte == 1.0 ? tr("byte tokenizer: 1 per byte") : tr("rough: bytes ÷ 4");
        html += row(tr("data: %1 in %2 file(s), ≈ %3 tokens (%4)")
                        .arg(decimalBytes(m_data.bytes))
                        .arg(m_data.files)
                        .arg(grouped(m_data.tokens), how),
                    QString());
        const double epochs = m_data.stepsPerEpoch > 0 ? static_cast<double>(config.train.max_steps) / static_cast<double>(m_data.stepsPerEpoch) : 0;
        html += row(tr("<b>Steps per epoch</b> (max_steps %1 ≈ %2 epochs)").arg(config.train.max_steps).arg(epochs, 0, 'f', 1),
                    QStringLiteral("<b>≈ %1</b>").arg(grouped(m_data.stepsPerEpoch)));
    } else {
        html += row(tr("<b>Steps per epoch</b>: no data files found yet"), QStringLiteral("–"));
    }
    html += QStringLiteral("</table><p style='color:#57606a'>%1</p>")
                .arg(tr("Architecture (%1): %2 layers, hidden %3, vocabulary %4.")
                         .arg(archSource.toHtmlEscaped())
                         .arg(arch.num_layers)
                         .arg(arch.hidden_size)
                         .arg(grouped(arch.vocab_size)));
    m_details->setText(html);
}

}  // namespace corral
