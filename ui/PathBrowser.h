#pragma once
// Choosing paths for config fields (model.path, model.tokenizer, data.files) and config files.
// Widgets ask a PathBrowser, never QFileDialog directly, so a browser of a cluster's file system
// (over the profile's SFTP connection) can take the local one's place when the run goes to a
// cluster: paths in a config are read where the trainer runs. Answers come through a callback,
// so a remote browser can answer after a round trip without blocking the GUI thread.
#include <QString>
#include <QStringList>

#include <functional>

class QWidget;

namespace corral {

struct PathRequest {
    enum class Kind {
        File,  // one existing file
        Files,  // one or more existing files
        Folder,  // an existing folder
        SaveFile,  // a file to write (may exist)
    };
    Kind kind = Kind::File;
    QString title;
    QString startPath;  // a folder or a file; empty: the browser's choice
    QString nameFilter;  // "Run configs (*.yaml *.yml *.json)"; empty: all files
};

class PathBrowser {
public:
    virtual ~PathBrowser() = default;
    // Where the paths live, for tooltips: "this computer", "hpc (cluster)".
    virtual QString location() const = 0;
    // Asks for paths and calls `done` with them, absolute; with an empty list when cancelled.
    // `done` may run before browse returns (local) or later (remote).
    virtual void browse(QWidget *parent, const PathRequest &request, std::function<void(const QStringList &)> done) = 0;
};

// This computer's file system, through the platform's file dialogs.
class LocalPathBrowser final : public PathBrowser {
public:
    QString location() const override;
    void browse(QWidget *parent, const PathRequest &request, std::function<void(const QStringList &)> done) override;
};

}  // namespace corral
