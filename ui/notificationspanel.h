#pragma once

#include <QWidget>

class QAbstractItemModel;
class QListView;
class QPushButton;
class QLabel;

namespace EasyCrm::Ui {

// The in-app list of notifications ("Your LinkedIn connection needs re-authentication"),
// with the action that opens Settings — Social Integration, where Reconnect is.
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
    void updateEmptyState();

    QAbstractItemModel *m_model;
    QListView *m_view;
    QLabel *m_empty;
    QPushButton *m_openSettings;
    QPushButton *m_markAllRead;
};

} // namespace EasyCrm::Ui
