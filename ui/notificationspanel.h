#pragma once

#include <QWidget>

class QAbstractItemModel;
class QFrame;
class QListView;
class QPushButton;
class QLabel;

namespace EasyCrm::Ui {

// The Notifications page: the in-app list of notifications ("Your LinkedIn connection needs
// re-authentication") under the page's title, an empty state that says nothing needs doing,
// and the action that opens Social Integration, where Reconnect is. Activating a notification
// opens the page where its connection is reconnected.
class NotificationsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NotificationsPanel)

public:
    // `model` is a Models::NotificationsModel (or any list model with its roles).
    explicit NotificationsPanel(QAbstractItemModel *model, QWidget *parent = nullptr);

    QListView *view() const { return m_view; }

signals:
    void openSettingsRequested();
    void markAllReadRequested();
    void activated(int row);

private:
    QWidget *buildHeader();
    QWidget *buildList();
    QWidget *buildEmptyState();
    QWidget *buildFooter();
    void updateEmptyState();

    QAbstractItemModel *m_model;
    QListView *m_view;
    QFrame *m_emptyState = nullptr;
    QLabel *m_empty = nullptr;
    QPushButton *m_openSettings;
    QPushButton *m_markAllRead;
};

} // namespace EasyCrm::Ui
