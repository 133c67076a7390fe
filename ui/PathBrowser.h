#pragma once
// Choosing paths for config fields (model.path, model.tokenizer, data.files) and config files.
// Widgets ask a PathBrowser, never QFileDialog directly, so a browser of a cluster's file system
// (over the profile's SFTP connection) can take the local one's place when the run goes to a
// cluster: paths in a config are read where the trainer runs. Answers come through a callback,
// so a remote browser can answer after a round trip without blocking the GUI thread.
#include "config/ConfigLoader.h"
#include "config/RunConfig.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

class QObject;
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

// What checking a config's paths where they live found.
struct PathCheckReport {
    std::vector<ConfigProblem> problems;  // paths that are not there, beside their fields
    QString error;  // why the paths could not be checked (connection lost); empty when they were
};

class PathBrowser {
public:
    virtual ~PathBrowser() = default;
    // Where the paths live, for tooltips: "this computer", "hpc (cluster)".
    virtual QString location() const = 0;
    // Asks for paths and calls `done` with them, absolute; with an empty list when cancelled.
    // `done` may run before browse returns (local) or later (remote).
    virtual void browse(QWidget *parent, const PathRequest &request, std::function<void(const QStringList &)> done) = 0;

    // True when the paths are this computer's: the config loader checks them as it reads the
    // config. Otherwise the editor skips that and asks checkPaths.
    virtual bool isLocal() const { return true; }
    // Looks for the config's model folder, tokenizer and data files where they live, and calls
    // `done` on `context`'s thread (not at all once `context` is gone). Data files that exist on
    // this computer are not looked for: Submit uploads them.
    virtual void checkPaths(QObject *context, const RunConfig &config, std::function<void(const PathCheckReport &)> done)
    {
        (void)context;
        (void)config;
        done({});
    }
};

// This computer's file system, through the platform's file dialogs.
class LocalPathBrowser final : public PathBrowser {
public:
    QString location() const override;
    void browse(QWidget *parent, const PathRequest &request, std::function<void(const QStringList &)> done) override;
};

}  // namespace corral
