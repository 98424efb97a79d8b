#pragma once

#include "core/service/providersettings.h"

#include <QFrame>
#include <QList>

class QLabel;
class QProgressBar;
class QVBoxLayout;

namespace EasyCrm::Ui {

// The outcome of "Test configuration", inline under the editor: while it runs a progress line,
// then one row per check with its verdict and what was found, in plain text.
class ConfigCheckPanel final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConfigCheckPanel)

public:
    explicit ConfigCheckPanel(QWidget *parent = nullptr);

    void showRunning(const QString &providerName);
    void showChecks(const QList<ConfigCheck> &checks);
    void reset();
    [[nodiscard]] bool isRunning() const { return m_running; }
    [[nodiscard]] const QList<ConfigCheck> &checks() const { return m_checks; }

private:
    void clearRows();
    QWidget *makeRow(const ConfigCheck &check, int index);

    bool m_running = false;
    QList<ConfigCheck> m_checks;
    QLabel *m_title = nullptr;
    QLabel *m_summary = nullptr;
    QProgressBar *m_progress = nullptr;
    QVBoxLayout *m_rows = nullptr;
};

} // namespace EasyCrm::Ui
