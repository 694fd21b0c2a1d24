// Reference solution: the k most frequent words of a text.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <string>
#include <unordered_map>
#include <vector>

int main() {
    std::ios::sync_with_stdio(false);
    std::size_t k = 0;
    if (!(std::cin >> k)) return 1;
    std::unordered_map<std::string, long> count;
    std::string word;
    char c;
    while (std::cin.get(c)) {
        if (std::isalpha(static_cast<unsigned char>(c))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!word.empty()) {
            ++count[word];
            word.clear();
        }
    }
    if (!word.empty()) ++count[word];
    std::vector<std::pair<std::string, long>> words(count.begin(), count.end());
    std::sort(words.begin(), words.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    for (std::size_t i = 0; i < words.size() && i < k; ++i) {
        std::cout << words[i].first << ' ' << words[i].second << '\n';
    }
    return 0;
}
