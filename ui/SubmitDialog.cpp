#include "SubmitDialog.h"

#include "config/ConfigLoader.h"
#include "profiles/ProfileStore.h"
#include "runs/ClusterRuns.h"
#include "runs/Paths.h"
#include "runs/RunController.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace corral {

namespace {
Result<QString> jobTemplate()
{
    const QString path = QDir(resourcesDir()).filePath(QStringLiteral("slurm/job.sbatch.in"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, file.errorString().toStdString(), path.toStdString());
    return QString::fromUtf8(file.readAll());
}
}  // namespace

SubmitDialog::SubmitDialog(RunController &controller, const QString &runId, const QString &profile, QWidget *parent)
    : QDialog(parent), m_controller(controller), m_runId(runId)
{
    setObjectName(QStringLiteral("submitDialog"));
    const auto run = controller.run(runId);
    setWindowTitle(tr("Submit %1").arg(run ? run->name : runId));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_profile = new QComboBox(this);
    m_profile->setObjectName(QStringLiteral("profile"));
    m_profile->addItem(QStringLiteral("local"));
    if (ProfileStore *store = controller.services().profiles)
        for (const ClusterProfile &p : store->profiles())
            if (!p.isLocal())
                m_profile->addItem(p.name);
    form->addRow(tr("Profile"), m_profile);
    m_where = new QLabel(this);
    m_where->setWordWrap(true);
    m_where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Run folder"), m_where);
    layout->addLayout(form);

    layout->addWidget(new QLabel(tr("Job script (job.sbatch) — edit it if you need to; this text is what sbatch gets:"), this));
    m_script = new QPlainTextEdit(this);
    m_script->setObjectName(QStringLiteral("script"));
    m_script->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_script->setLineWrapMode(QPlainTextEdit::NoWrap);
    layout->addWidget(m_script, 3);
    layout->addWidget(new QLabel(tr("Uploads and notes:"), this));
    m_uploads = new QListWidget(this);
    m_uploads->setObjectName(QStringLiteral("uploads"));
    layout->addWidget(m_uploads, 1);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("submitStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_submit = buttons->addButton(tr("Submit"), QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("submit"));
    m_submit->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_submit, &QPushButton::clicked, this, [this] { submit(); });
    connect(m_profile, &QComboBox::currentTextChanged, this, &SubmitDialog::replan);
    connect(&controller.cluster(), &ClusterRuns::submitProgress, this, &SubmitDialog::onProgress);
    connect(&controller.cluster(), &ClusterRuns::submitFinished, this, &SubmitDialog::onFinished);

    if (m_profile->findText(profile) >= 0)
        m_profile->setCurrentText(profile);
    replan();
    resize(760, 640);
}

QString SubmitDialog::profile() const { return m_profile->currentText(); }
void SubmitDialog::setProfile(const QString &name) { m_profile->setCurrentText(name); }
QString SubmitDialog::script() const { return m_script->toPlainText(); }
void SubmitDialog::setScript(const QString &text) { m_script->setPlainText(text); }
bool SubmitDialog::isScriptEditable() const { return !m_script->isReadOnly(); }
QString SubmitDialog::problem() const { return m_problem; }
QString SubmitDialog::status() const { return m_status->text(); }
int SubmitDialog::progressPercent() const { return m_progress->value(); }

QStringList SubmitDialog::uploads() const
{
    QStringList lines;
    for (int i = 0; i < m_uploads->count(); ++i)
        lines << m_uploads->item(i)->text();
    return lines;
}

void SubmitDialog::replan()
{
    m_problem.clear();
    m_uploads->clear();
    m_plan = RemoteRunPlan{};
    const auto run = m_controller.run(m_runId);
    const auto config = m_controller.config(m_runId);
    const auto from = m_controller.startingPoint(m_runId);
    if (!run || !config || run->state != RunState::Draft) {
        m_problem = tr("Only a draft run can be submitted.");
    } else if (const QString why = m_controller.startingPointProblem(m_runId, profile()); !why.isEmpty()) {
        m_problem = tr("Not here: %1.").arg(why);
    } else if (profile() == QLatin1StringView("local")) {
        m_where->setText(run->runDir);
        m_script->setReadOnly(true);
        m_script->setPlainText(tr("# The local profile runs no job script; it starts, on this machine:\n%1 --config %2 --output %3\n")
                                   .arg(m_controller.services().trainerPath.isEmpty() ? QStringLiteral("corral-train")
                                                                                      : m_controller.services().trainerPath,
                                        QDir(run->runDir).filePath(QStringLiteral("run.yaml")), run->runDir));
        if (m_controller.services().trainerPath.isEmpty()) {
            m_problem = tr("corral-train was not found (set CORRAL_TRAIN or put it on PATH).");
        } else if (const auto missing = checkPathsExist(*config); !missing.empty()) {
            // A draft meant for a cluster names the cluster's paths: here they are not.
            QStringList lines;
            for (const ConfigProblem &problem : missing)
                lines << QString::fromStdString(problem.toString());
            m_problem = tr("Paths the run reads are not on this machine:\n%1").arg(lines.join(QLatin1Char('\n')));
        }
    } else {
        ProfileStore *store = m_controller.services().profiles;
        const auto p = store ? store->profile(profile()) : std::nullopt;
        const auto templateText = jobTemplate();
        if (!p) {
            m_problem = tr("No profile named \"%1\".").arg(profile());
        } else if (!templateText) {
            m_problem = tr("The job template cannot be read: %1").arg(QString::fromStdString(templateText.error().toString()));
        } else {
            const QString jobName = config->output.run_name.empty() ? run->name : QString::fromStdString(config->output.run_name);
            auto plan = planRemoteRun(*config, withSshConfigDefaults(*p), jobName, QFileInfo(run->runDir).fileName(),
                                      templateText.value());
            if (!plan) {
                m_problem = QString::fromStdString(plan.error().toString());
            } else {
                m_plan = plan.value();
                if (from) {
                    m_plan.startFrom = from->checkpoint;
                    m_plan.notes << tr("continues from %1: copied into %2/checkpoints/ before sbatch")
                                        .arg(from->checkpoint, m_plan.runDir);
                }
                m_where->setText(QStringLiteral("%1 on %2").arg(m_plan.runDir, p->ssh.host));
                m_script->setReadOnly(false);
                m_script->setPlainText(m_plan.script);
                for (const FileUpload &u : std::as_const(m_plan.uploads))
                    m_uploads->addItem(tr("upload %1 → %2 (%3)").arg(u.localPath, u.remotePath, QLocale().formattedDataSize(u.bytes)));
                for (const QString &note : std::as_const(m_plan.notes))
                    m_uploads->addItem(tr("note: %1").arg(note));
            }
        }
    }
    if (!m_problem.isEmpty()) {
        m_status->setStyleSheet(QStringLiteral("color: #cf222e"));
        m_status->setText(m_problem);
    } else {
        m_status->setStyleSheet({});
        const auto files = m_plan.uploads.size();
        m_status->setText(profile() == QLatin1StringView("local") ? tr("Ready to start on this machine.")
                          : files == 0                            ? tr("Ready: nothing to upload.")
                          : files == 1                            ? tr("Ready: 1 file to upload.")
                                                                  : tr("Ready: %1 files to upload.").arg(files));
    }
    m_submit->setEnabled(m_problem.isEmpty() && !m_busy);
}

bool SubmitDialog::submit()
{
    if (!m_problem.isEmpty() || m_busy)
        return false;
    const QString chosen = profile();
    if (chosen == QLatin1StringView("local")) {
        QString error;
        if (!m_controller.startLocal(m_runId, &error)) {
            m_status->setStyleSheet(QStringLiteral("color: #cf222e"));
            m_status->setText(tr("Not started: %1").arg(error));
            return false;
        }
        emit submitted(m_runId, chosen);
        accept();
        return true;
    }
    RemoteRunPlan plan = m_plan;
    plan.script = script();
    m_busy = true;
    m_submit->setEnabled(false);
    m_profile->setEnabled(false);
    m_script->setReadOnly(true);
    m_uploaded.clear();
    m_progress->setValue(0);
    m_status->setStyleSheet({});
    m_status->setText(plan.uploads.isEmpty() ? tr("Submitting…") : tr("Uploading %1…").arg(plan.uploads.first().localPath));
    m_submittedId = m_controller.cluster().submit(m_runId, chosen, plan);
    if (m_submittedId.isEmpty()) {
        m_busy = false;
        replan();
        return false;
    }
    return true;
}

void SubmitDialog::onProgress(const QString &id, const QString &what, qint64 done, qint64 total)
{
    if (id != m_submittedId || !m_busy)
        return;
    m_uploaded.insert(what, done);
    qint64 sum = 0;
    for (const qint64 bytes : std::as_const(m_uploaded))
        sum += bytes;
    const qint64 all = std::max<qint64>(1, m_plan.uploadBytes());
    m_progress->setValue(static_cast<int>(std::min<qint64>(100, sum * 100 / all)));
    m_status->setText(tr("Uploading %1: %2 of %3").arg(what, QLocale().formattedDataSize(done),
                                                       QLocale().formattedDataSize(std::max<qint64>(total, 0))));
}

void SubmitDialog::onFinished(const QString &id, bool ok, const QString &message)
{
    if ((id != m_submittedId && id != m_runId) || !m_busy)
        return;
    m_busy = false;
    if (ok) {
        m_progress->setValue(100);
        m_status->setText(message);
        emit submitted(m_submittedId, profile());
        accept();
        return;
    }
    // The run is a draft again (nothing was queued): fix what was wrong and submit again.
    m_submittedId.clear();
    m_profile->setEnabled(true);
    const QString edited = script();
    replan();
    if (isScriptEditable())
        setScript(edited);  // keep the person's edits for the next try
    m_status->setStyleSheet(QStringLiteral("color: #cf222e"));
    m_status->setText(tr("Not submitted: %1").arg(message));
}

}  // namespace corral
