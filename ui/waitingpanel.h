#pragma once

#include "core/service/providerstatus.h"

#include <QFrame>
#include <QUrl>

class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QVBoxLayout;

namespace EasyCrm::Ui {

// Shown under a provider while its connect attempt runs: what is happening, an indeterminate
// progress bar, Cancel, and "Copy link" for when the browser did not open. The authorize URL
// is never displayed: it carries the anti-CSRF state (RFC 6749 §10.12).
class WaitingPanel final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WaitingPanel)

public:
    explicit WaitingPanel(QWidget *parent = nullptr);

    // Starts over for `providerName`; an empty URL leaves "Copy link" disabled.
    void start(const QString &providerName, const QUrl &authorizeUrl);
    void setPhase(FlowPhase phase);
    FlowPhase phase() const { return m_phase; }
    void reset();
    // Shows the panel at `index` of a page's `rows` (right under the row it is about) and
    // scrolls it into view once the layout has placed it.
    void showInRows(QVBoxLayout *rows, int index, QScrollArea *scroll);

signals:
    void cancelClicked();
    void linkCopied();

private:
    void copyLink();
    void showTexts(const QString &title, const QString &detail);

    QString m_providerName;
    QUrl m_authorizeUrl;
    FlowPhase m_phase = FlowPhase::Idle;
    QLabel *m_title = nullptr;
    QLabel *m_detail = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_copyLink = nullptr;
    QPushButton *m_cancel = nullptr;
};

} // namespace EasyCrm::Ui
