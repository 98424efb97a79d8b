#pragma once

#include <QObject>
#include <QStringList>
#include <QUrl>

namespace EasyCrm {

// Hands the authorize URL to the person's browser through the desktop's URL opener
// (xdg-open). Unlike QDesktopServices it discards the opener's output: xdg-open prints the
// whole URL when no browser is found, and that URL carries the state. It also reports an
// opener that ran but found no browser, so the person can be told to use "Copy link".
class SystemBrowser final : public QObject
{
    Q_OBJECT

public:
    explicit SystemBrowser(QObject *parent = nullptr);

    // The opener and its leading arguments; the URL is appended. Default: xdg-open.
    void setOpener(const QString &program, const QStringList &arguments = {});
    [[nodiscard]] bool open(const QUrl &url);

signals:
    void failed();

private:
    QString m_program;
    QStringList m_arguments;
};

} // namespace EasyCrm
