// A loopback HTTP/1.1 server that keeps connections open and answers every request on them with
// `reply`, counting connections and requests: what connection reuse is checked against.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// A listening socket on 127.0.0.1 at a port the kernel picks (stored in `port`): the test
// servers' own.
inline int listen_on_loopback(int& port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd, 16);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    return fd;
}

class KeepAliveServer {
public:
    explicit KeepAliveServer(std::string reply) : reply_(std::move(reply)) {
        fd_ = listen_on_loopback(port_);
        acceptor_ = std::thread([this] { accept_all(); });
    }
    ~KeepAliveServer() {
        shutdown(fd_, SHUT_RDWR);
        close(fd_);
        acceptor_.join();
        std::lock_guard lock(mutex_);
        for (int client : clients_) shutdown(client, SHUT_RDWR);
        for (auto& thread : connections_) thread.join();
        for (int client : clients_) close(client);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int connections() const { return connection_count_; }
    int requests() const { return request_count_; }

private:
    void accept_all() {
        while (true) {
            int client = accept(fd_, nullptr, nullptr);
            if (client < 0) return;
            ++connection_count_;
            std::lock_guard lock(mutex_);
            clients_.push_back(client);
            connections_.emplace_back([this, client] { serve(client); });
        }
    }
    // Requests without a body (GET) or with a Content-Length, one after another.
    void serve(int client) {
        std::string pending;
        char buf[4096];
        while (true) {
            auto end = pending.find("\r\n\r\n");
            if (end == std::string::npos) {
                ssize_t n = read(client, buf, sizeof buf);
                if (n <= 0) return;
                pending.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            std::size_t body = 0;
            auto cl = pending.find("Content-Length: ");
            if (cl != std::string::npos && cl < end) body = std::stoul(pending.substr(cl + 16));
            while (pending.size() < end + 4 + body) {
                ssize_t n = read(client, buf, sizeof buf);
                if (n <= 0) return;
                pending.append(buf, static_cast<std::size_t>(n));
            }
            pending.erase(0, end + 4 + body);
            ++request_count_;
            std::string response =
                "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(reply_.size()) + "\r\n\r\n" +
                reply_;
            if (write(client, response.data(), response.size()) < 0) return;
        }
    }

    std::string reply_;
    int fd_ = -1;
    int port_ = 0;
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<int> clients_;
    std::vector<std::thread> connections_;
    std::atomic<int> connection_count_{0};
    std::atomic<int> request_count_{0};
};
