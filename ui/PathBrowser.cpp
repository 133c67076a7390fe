#include "PathBrowser.h"

#include <QFileDialog>

namespace corral {

QString LocalPathBrowser::location() const
{
    return QObject::tr("this computer");
}

void LocalPathBrowser::browse(QWidget *parent, const PathRequest &request, std::function<void(const QStringList &)> done)
{
    QStringList paths;
    switch (request.kind) {
    case PathRequest::Kind::File:
        paths << QFileDialog::getOpenFileName(parent, request.title, request.startPath, request.nameFilter);
        break;
    case PathRequest::Kind::Files:
        paths = QFileDialog::getOpenFileNames(parent, request.title, request.startPath, request.nameFilter);
        break;
    case PathRequest::Kind::Folder:
        paths << QFileDialog::getExistingDirectory(parent, request.title, request.startPath);
        break;
    case PathRequest::Kind::SaveFile:
        paths << QFileDialog::getSaveFileName(parent, request.title, request.startPath, request.nameFilter);
        break;
    }
    paths.removeAll(QString());
    done(paths);
}

}  // namespace corral
