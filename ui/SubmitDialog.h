#pragma once
// Review before a run goes out: where it runs (profile), and for a cluster the job script as
// rendered from the template (editable: what is in the box is what sbatch gets), the data files
// that will be uploaded and where, and notes on paths taken as cluster paths. Submitting shows
// the upload progress (SFTP) and closes once sbatch answered with a job id; a failure stays in
// the dialog. On the local profile it starts corral-train on this machine instead.
#include "slurm/RemoteRunPlan.h"

#include <QDialog>
#include <QHash>

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace corral {

class ProfileStore;
class RunController;

class SubmitDialog : public QDialog {
    Q_OBJECT
public:
    // `runId`: a draft of `controller`; `profile`: the one to preselect (the last used).
    SubmitDialog(RunController &controller, const QString &runId, const QString &profile, QWidget *parent = nullptr);

    QString profile() const;
    void setProfile(const QString &name);
    QString script() const;
    void setScript(const QString &text);
    bool isScriptEditable() const;
    QStringList uploads() const;  // "local → remote" lines
    QString problem() const;      // why Submit is disabled, "" when it is not
    QString status() const;       // the progress or failure line
    int progressPercent() const;

    // What the Submit button does. Asynchronous for a cluster: watch submitted()/status().
    bool submit();

signals:
    void submitted(const QString &runId, const QString &profile);  // runId: the run's id from now on

private:
    void replan();
    void onProgress(const QString &id, const QString &what, qint64 done, qint64 total);
    void onFinished(const QString &id, bool ok, const QString &message);

    RunController &m_controller;
    QString m_runId;
    QString m_submittedId;  // the cluster run's id while its submission is under way
    RemoteRunPlan m_plan;
    QString m_problem;
    QHash<QString, qint64> m_uploaded;  // bytes per remote path
    QComboBox *m_profile = nullptr;
    QLabel *m_where = nullptr;
    QPlainTextEdit *m_script = nullptr;
    QListWidget *m_uploads = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_submit = nullptr;
    bool m_busy = false;
};

}  // namespace corral
