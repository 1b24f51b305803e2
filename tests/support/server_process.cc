#include "tests/support/server_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include "tests/support/process.h"

namespace clusterdns::testing {

ServerProcess::ServerProcess(const std::string& manifests_dir,
                             const std::vector<std::string>& extra_args,
                             const std::vector<std::string>& listen,
                             const std::vector<std::string>& upstream_args) {
  std::vector<std::string> argv = {clusterdns_binary(), "serve", "--manifests", manifests_dir};
  argv.insert(argv.end(), upstream_args.begin(), upstream_args.end());
  for (const auto& address : listen) {
    argv.push_back("--listen");
    argv.push_back(address);
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());

  // stderr goes to a file, not a pipe: a chatty server must never block on a full pipe.
  char log_path[] = "/tmp/clusterdns-test-log-XXXXXX";
  const int log_fd = mkstemp(log_path);
  if (log_fd < 0) return;
  unlink(log_path);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(log_fd, 2);
    close(log_fd);
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  log_fd_ = log_fd;

  const std::regex listening(R"(listening on (\S+):(\d+) \(udp\+tcp\))");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ports_.size() < listen.size() && std::chrono::steady_clock::now() < deadline) {
    read_available_log(100);
    ports_.clear();
    for (auto it = std::sregex_iterator(log_.begin(), log_.end(), listening);
         it != std::sregex_iterator(); ++it) {
      ports_.push_back(static_cast<uint16_t>(std::stoi((*it)[2].str())));
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited before listening
      pid_ = -1;
      break;
    }
  }
  if (ports_.size() >= listen.size() && !ports_.empty()) port_ = ports_.front();
}

ServerProcess::~ServerProcess() {
  stop();
  if (log_fd_ >= 0) close(log_fd_);
}

void ServerProcess::read_available_log(int wait_ms) {
  if (log_fd_ < 0) return;
  if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  char buffer[4096];
  ssize_t n;
  // The child shares the file offset; read from where we stopped.
  while ((n = pread(log_fd_, buffer, sizeof(buffer), static_cast<off_t>(log_.size()))) > 0) {
    log_.append(buffer, static_cast<size_t>(n));
  }
}

std::string ServerProcess::log() {
  read_available_log(0);
  return log_;
}

void ServerProcess::send_signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    read_available_log(20);
  }
  read_available_log(0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace clusterdns::testing
