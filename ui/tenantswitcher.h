#pragma once

#include <QFrame>
#include <QList>
#include <QString>
#include <QUuid>

class QActionGroup;
class QLabel;
class QMenu;
class QPushButton;

namespace EasyCrm::Ui {

// "Acting on: Host ▾" at the top of the navigation: the tenant a host administrator acts on,
// and the menu that changes it (the host first, then the tenants by name). Like the pages it
// asks through a signal and shows what it is told; app/ decides who sees it.
//
//   menu opens ─► aboutToChoose()        (a chance to list the tenants again)
//   a choice   ─► tenantRequested(id)    (null id = the host) ─► setCurrent() | showError()
class TenantSwitcher final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TenantSwitcher)

public:
    struct Choice
    {
        QUuid id; // null = the host
        QString name;
    };

    explicit TenantSwitcher(QWidget *parent = nullptr);
    ~TenantSwitcher() override;

    // The tenants offered after the host, in order.
    void setTenants(const QList<Choice> &tenants);
    // What is acted on now; a null id is the host.
    void setCurrent(const QUuid &tenantId, const QString &name);
    [[nodiscard]] QUuid currentTenant() const { return m_current; }
    // What is acted on, e.g. "Host" or "Acme"; shownName() is the button's (elided) text.
    [[nodiscard]] QString currentName() const { return m_currentName; }
    [[nodiscard]] QString shownName() const;
    // The menu's entries in order, the host first.
    [[nodiscard]] QList<Choice> choices() const;
    [[nodiscard]] QMenu *menu() const { return m_menu; }
    // A switch that did not happen, shown under the button until the next choice; empty clears.
    void showError(const QString &message);
    [[nodiscard]] QString error() const;

signals:
    void aboutToChoose();
    void tenantRequested(const QUuid &tenantId);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void rebuildMenu();
    void updateButton();

    QLabel *m_caption = nullptr;
    QPushButton *m_button = nullptr;
    QLabel *m_buttonText = nullptr; // in the button: a style sheet pads no text beside a menu
    QLabel *m_error = nullptr;
    QMenu *m_menu = nullptr;
    QActionGroup *m_group = nullptr;
    QList<Choice> m_tenants;
    QUuid m_current;
    QString m_currentName;
};

} // namespace EasyCrm::Ui
