// MainWindow's actions: the toolbar, the menus and their shortcuts (listed in README and by
// Help > Keyboard shortcuts, which reads them from the actions themselves), and the handlers that
// only open a file dialog or another program.
#include "MainWindow.h"

#include "ConfigEditor.h"
#include "LogsPanel.h"
#include "config/ConfigLoader.h"
#include "runs/Paths.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QUrl>

namespace corral {

QAction *MainWindow::addAction(const char *name, const QString &text, const QKeySequence &key, const QString &tip)
{
    auto *a = new QAction(text, this);
    a->setObjectName(QLatin1StringView(name));
    a->setShortcut(key);
    a->setToolTip(key.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
    a->setStatusTip(tip);
    QMainWindow::addAction(a);  // shortcuts work wherever the focus is
    m_actions.insert(QLatin1StringView(name), a);
    return a;
}

QAction *MainWindow::action(const QString &name) const
{
    return m_actions.value(name);
}

void MainWindow::buildActions()
{
    QAction *newRun = addAction("new", tr("New run…"), QKeySequence::New, tr("A new draft run from a config file or preset"));
    QAction *open = addAction("open", tr("Open run…"), QKeySequence::Open, tr("Follow an existing run folder (metrics.jsonl, events.jsonl)"));
    QAction *duplicate = addAction("duplicate", tr("Duplicate"), QKeySequence(Qt::CTRL | Qt::Key_D), tr("A new draft with the selected run's config"));
    QAction *submit = addAction("submit", tr("Submit…"), QKeySequence(Qt::CTRL | Qt::Key_Return), tr("Review and submit the selected draft"));
    QAction *cancel = addAction("cancel", tr("Cancel"), QKeySequence(Qt::CTRL | Qt::Key_Period), tr("Cancel the selected run (a local run stops with a checkpoint)"));
    QAction *resume = addAction("resume", tr("Resume"), QKeySequence(Qt::CTRL | Qt::Key_R), tr("Submit again from the newest checkpoint (--resume auto)"));
    QAction *reveal = addAction("reveal", tr("Open run folder"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), tr("Open the selected run's folder (a cluster path is copied)"));
    QAction *profiles = addAction("profiles", tr("Profiles…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), tr("Create, edit, test and delete cluster profiles"));
    QAction *find = addAction("find", tr("Find in logs"), QKeySequence::Find, tr("Search the current run's logs"));
    QAction *quit = addAction("quit", tr("Quit"), QKeySequence::Quit, tr("Quit Corral (cluster jobs go on)"));
    QAction *keys = addAction("shortcuts", tr("Keyboard shortcuts"), QKeySequence::HelpContents, tr("List the keyboard shortcuts"));
    connect(newRun, &QAction::triggered, this, &MainWindow::newRunFromPreset);
    connect(open, &QAction::triggered, this, &MainWindow::openRunFolderDialog);
    connect(duplicate, &QAction::triggered, this, [this] { duplicateSelected(); });
    connect(submit, &QAction::triggered, this, [this] { submitSelected(); });
    connect(cancel, &QAction::triggered, this, [this] { cancelSelected(); });
    connect(resume, &QAction::triggered, this, [this] { resumeSelected(); });
    connect(reveal, &QAction::triggered, this, &MainWindow::revealRunFolder);
    connect(profiles, &QAction::triggered, this, [this] { showProfiles(); });
    connect(find, &QAction::triggered, this, [this] {
        m_tabs->setCurrentWidget(m_logs);
        m_logs->focusSearch();
    });
    connect(quit, &QAction::triggered, this, &QWidget::close);
    connect(keys, &QAction::triggered, this, &MainWindow::showShortcuts);
    profiles->setEnabled(m_controller->services().profiles != nullptr);

    auto *toolbar = addToolBar(tr("Runs"));
    toolbar->setObjectName(QStringLiteral("runsToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addActions({newRun, duplicate, submit, cancel, resume});
    toolbar->addSeparator();
    toolbar->addActions({open, reveal, profiles});

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addActions({newRun, open, profiles});
    file->addSeparator();
    file->addAction(quit);
    QMenu *runMenu = menuBar()->addMenu(tr("&Run"));
    runMenu->addActions({duplicate, submit, cancel, resume, reveal});
    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction *tab = view->addAction(m_tabs->tabText(i), this, [this, i] { m_tabs->setCurrentIndex(i); });
        tab->setObjectName(QStringLiteral("tab-%1").arg(i + 1));
        tab->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
        m_actions.insert(tab->objectName(), tab);
    }
    view->addAction(find);
    menuBar()->addMenu(tr("&Help"))->addAction(keys);
}

void MainWindow::openRunFolderDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open run folder"), runsRoot());
    if (dir.isEmpty())
        return;
    if (const QString id = openRunFolder(dir); !id.isEmpty())
        showCurvesOf({id});
}

void MainWindow::revealRunFolder()
{
    const auto run = m_controller->run(selectedRunId());
    if (!run)
        return;
    if (run->isRemote()) {
        QApplication::clipboard()->setText(run->runDir);
        statusBar()->showMessage(tr("%1 is on %2; its path is copied to the clipboard").arg(run->runDir, run->profile), 8000);
        return;
    }
    QDesktopServices::openUrl(QUrl::fromLocalFile(run->runDir));
}

void MainWindow::newRunFromPreset()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("New run from config"),
                                                      QDir(resourcesDir()).filePath(QStringLiteral("presets")),
                                                      tr("Run configs (*.yaml *.yml *.json)"));
    if (file.isEmpty())
        return;
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(this, tr("New run from config"), tr("Cannot read %1: %2").arg(file, in.errorString()));
        return;
    }
    // Its paths may be a cluster's: the config editor looks for them where the draft's profile says.
    const QFileInfo info(file);
    const ConfigReport report = loadConfigText(in.readAll().toStdString(), info.fileName().toStdString(),
                                               info.absolutePath().toStdString(), {}, PathCheck::Skip);
    if (!report.ok()) {
        QMessageBox::warning(this, tr("Config has problems"), QString::fromStdString(report.summary()));
        return;
    }
    addDraft(report.config, info.completeBaseName());
    m_tabs->setCurrentWidget(m_form);
}

void MainWindow::showShortcuts()
{
    QStringList rows;
    for (QAction *a : actions())
        if (!a->shortcut().isEmpty())
            rows << QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                        .arg(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(), a->text().remove(QLatin1Char('&')).toHtmlEscaped());
    for (QAction *a : std::as_const(m_actions))
        if (a->objectName().startsWith(QLatin1StringView("tab-")))
            rows << QStringLiteral("<tr><td><b>%1</b></td><td>%2 tab</td></tr>")
                        .arg(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(), a->text().toHtmlEscaped());
    rows << tr("<tr><td><b>Enter / Shift+Enter, F3 / Shift+F3</b></td><td>next / previous match in the log search</td></tr>");
    QMessageBox::information(this, tr("Keyboard shortcuts"), QStringLiteral("<table cellspacing=6>%1</table>").arg(rows.join(QString())));
}

}  // namespace corral
